"""Alembic migrations and the SQLAlchemy table definitions describe the same schema."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

import hub.store
from hub.store import migrate
from hub.store.db import make_engine
from hub.store.tables import metadata
from tests.e2e.harness import postgres_database


def _import_all_store_modules() -> None:
    """Table modules register themselves on the shared metadata when imported."""
    for info in pkgutil.iter_modules(hub.store.__path__):
        if info.name != "migrations":
            importlib.import_module(f"hub.store.{info.name}")


def _differences(engine: Engine) -> list[object]:
    _import_all_store_modules()
    migrate.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, metadata)
    # The alembic_version table is Alembic's own.
    return [d for d in diffs if "alembic_version" not in repr(d)]


def test_sqlite_schema_matches_the_tables(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    assert _differences(engine) == []
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_postgres_schema_matches_the_tables() -> None:
    with postgres_database() as url:
        engine = make_engine(url)
        try:
            assert _differences(engine) == []
        finally:
            engine.dispose()


def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])
def test_foundation_revisions_upgrade_from_each_step(tmp_path: Path, revision: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    migrate.upgrade(engine, revision)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()


def _with_message(tmp_path: Path, revision: str, **payload: bytes) -> Engine:
    """A database at ``revision`` holding organization 1 and its inbox message 7; ``payload``:
    the inbox's own message columns where the revision still has them (before 0006)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    migrate.upgrade(engine, revision)
    names = "".join(f", {name}" for name in payload)
    marks = "".join(f", :{name}" for name in payload)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (id, ppaguid, name, ogrn, inn, kpp, roles, created_at)"
                " VALUES (1, 'p', 'n', '1', '2', '3', 'УО', '2026-11-22 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO inbox (id, message_guid, requester_message_guid, sender_id, service, operation,"
                f" version, digest, state, attempts, created_at{names})"
                f" VALUES (7, 'm', 'r', 1, 's', 'o', 'v', 'd', 1, 0, '2026-11-22 00:00:00'{marks})"
            ),
            payload,
        )
    return engine


def test_payloads_move_to_their_own_table_and_back(tmp_path: Path) -> None:
    """0006 keeps every stored message's bytes: upgrade from 0005 and downgrade again."""
    engine = _with_message(tmp_path, "0005", raw=b"<raw/>", signed=b"<signed/>")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        moved = conn.execute(
            text(
                "SELECT inbox_id, raw, payload, source, authenticated_by FROM inbox_payloads"
                " JOIN inbox ON inbox.id = inbox_id"
            )
        ).all()
    # 0010 renames the column and says how the old rows arrived: all were signed SOAP messages
    assert [(r.inbox_id, bytes(r.raw), bytes(r.payload), r.source, r.authenticated_by) for r in moved] == [
        (7, b"<raw/>", b"<signed/>", "soap", "signature")
    ]
    migrate.downgrade(engine, "0005")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT raw, signed FROM inbox WHERE id = 7")).one()
    assert (bytes(back.raw), bytes(back.signed)) == (b"<raw/>", b"<signed/>")


def test_import_outcomes_move_to_chunk_rows_and_back(tmp_path: Path) -> None:
    """0007 keeps every recorded outcome, so a message caught mid-import still resumes."""
    from hub.store.base import Store
    from hub.store.imports import SqlImportSession, SqlImportStore

    engine = _with_message(tmp_path, "0006")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO object_results (inbox_id, seq, transport_guid, guid, unique_number, update_date,"
                " errors, extension) VALUES (7, 0, 't0', 'g0', 'u0', '2026-11-22 10:00:00.000000', '[]',"
                " '{\"ServiceID\": \"s0\"}'), (7, 1, 't1', NULL, NULL, NULL, '[[\"INT002000\", \"нет\"]]', '{}')"
            )
        )
    migrate.upgrade(engine)
    outcomes = SqlImportStore(Store(engine), SqlImportSession).outcomes(7)
    assert [(o.transport_guid, o.guid, o.unique_number, o.extension) for o in outcomes.values()] == [
        ("t0", "g0", "u0", {"ServiceID": "s0"}),
        ("t1", None, None, {}),
    ]
    assert outcomes[0].update_date is not None and outcomes[0].update_date.isoformat() == "2026-11-22T10:00:00+00:00"
    assert [(e.code, e.description) for e in outcomes[1].errors] == [("INT002000", "нет")]
    migrate.downgrade(engine, "0006")
    with engine.connect() as conn:
        back = conn.execute(
            text("SELECT seq, transport_guid, errors, extension FROM object_results ORDER BY seq")
        ).all()
    assert [(r.seq, r.transport_guid, json.loads(r.errors), json.loads(r.extension)) for r in back] == [
        (0, "t0", [], {"ServiceID": "s0"}),
        (1, "t1", [["INT002000", "нет"]], {}),
    ]


def test_postgres_stores_xml_with_lz4_where_the_server_has_it() -> None:
    with postgres_database() as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            with engine.connect() as conn:
                has_lz4 = conn.execute(
                    text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
                ).scalar()
                compressed = set(
                    conn.execute(
                        text(
                            "SELECT attrelid::regclass::text || '.' || attname FROM pg_attribute"
                            " WHERE attcompression = 'l'"
                        )
                    ).scalars()
                )
        finally:
            engine.dispose()
    if not has_lz4:
        pytest.skip("this PostgreSQL server has no lz4")
    assert compressed == {"inbox_payloads.raw", "inbox_payloads.payload", "inbox.result", "inbox.response"}
