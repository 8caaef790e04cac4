"""The REST/JSON API (``/api/v1``): an entry point beside SOAP, over the same store and services."""
