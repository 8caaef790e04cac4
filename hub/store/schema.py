"""All table metadata, found in one place: the core tables and every area's, via the registry.

``hub.store.tables`` defines the pipeline's tables (organizations, certificates, inbox, audit,
import chunks, NSI, counters) on the shared ``metadata``; each area's ``tables`` module adds its
own to the same object when imported. Alembic's environment and anything that needs every table
(a test's reset, an operator's check) call :func:`full_metadata`, which imports the modules the
registry names, so no module lists the areas.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from hub.contract.registry import registry
from hub.store.tables import metadata


def full_metadata() -> MetaData:
    """The shared metadata with every registered area's tables on it."""
    for area in registry().areas:
        if area.tables:
            importlib.import_module(area.tables)
    return metadata
