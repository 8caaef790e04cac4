"""The SQLite write gate: one writer per database file in a process, none on PostgreSQL."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

try:
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]

from hub.store.db import make_engine, write_gate, writing


def test_engines_on_one_file_share_a_gate_and_other_files_do_not(tmp_path: Path) -> None:
    first = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    again = make_engine(f"sqlite:///{tmp_path / '.' / 'a.sqlite3'}")
    other = make_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert write_gate(first) is write_gate(again)
    assert write_gate(first) is not write_gate(other)


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    inside, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with writing(engine) as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            inside.set()
            release.wait(10)

    def second() -> None:
        with writing(engine) as conn:
            seen.append(conn.execute(text("SELECT count(*) FROM t")).scalar_one())
            conn.execute(text("INSERT INTO t VALUES (2)"))

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.3)
    assert two.is_alive()  # queued on the gate, not inside a transaction
    release.set()
    one.join(10)
    two.join(10)
    assert seen == [1]  # it ran after the first committed
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 2


def test_many_threads_write_without_losing_a_row(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE c (n INTEGER)"))
        conn.execute(text("INSERT INTO c VALUES (0)"))

    def bump() -> None:
        for _ in range(25):
            with writing(engine) as conn:
                value = conn.execute(text("SELECT n FROM c")).scalar_one()
                conn.execute(text("UPDATE c SET n = :n"), {"n": value + 1})

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM c")).scalar_one() == 200


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_a_writer_waits_while_another_process_holds_the_gate_file(tmp_path: Path) -> None:
    """Another process (here: another open file description of the gate file) holds the flock."""
    database = tmp_path / "hub.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    other = os.open(tmp_path / "hub.sqlite3.write-gate", os.O_RDWR | os.O_CREAT)
    fcntl.flock(other, fcntl.LOCK_EX)

    def write() -> None:
        with writing(engine) as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))

    writer = threading.Thread(target=write)
    try:
        writer.start()
        writer.join(0.3)
        assert writer.is_alive()  # queued on the other process's lock, not in SQLite's busy handler
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    writer.join(10)
    assert not writer.is_alive()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 1


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_a_gate_file_that_cannot_be_opened_fails_the_write_and_frees_the_gate(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    (tmp_path / "hub.sqlite3.write-gate").mkdir()  # os.open of a directory for writing fails
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            with writing(engine) as conn:
                conn.execute(text("INSERT INTO t VALUES (1)"))
        except OSError as exc:
            errors.append(exc)

    for _attempt in range(2):  # a gate left held would block the second attempt
        writer = threading.Thread(target=attempt, daemon=True)
        writer.start()
        writer.join(5)
        assert not writer.is_alive()
    assert [type(e) for e in errors] == [IsADirectoryError, IsADirectoryError]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
