"""Pure domain rules: no framework, no storage, no XML. Imports only ``hub.errors``."""
