"""Configuration is read from the environment in one place, with secure defaults."""

from __future__ import annotations

from pathlib import Path

from hub.config import DEFAULT_MAX_BACKLOG, default_processes, load_settings


def test_defaults_are_the_embedded_shape() -> None:
    settings = load_settings({})
    assert settings.embedded
    assert settings.max_body_bytes == 16 * 1024 * 1024
    assert settings.max_xml_depth == 256
    assert settings.transport_auth is True
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_worker_threads == 1  # SQLite serializes writes: one thread


def test_environment_selects_the_production_shape() -> None:
    settings = load_settings(
        {
            "HUB_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "HUB_BROKER_URL": "redis://127.0.0.1:6379/0",
            "HUB_TRANSPORT_AUTH": "off",
            "HUB_DATA_DIR": "/tmp/x",
        }
    )
    assert not settings.embedded
    assert settings.effective_database_url == "postgresql+psycopg://u@h/db"
    assert settings.transport_auth is False
    assert settings.data_dir == Path("/tmp/x")
    assert settings.effective_worker_threads == 2


def test_worker_threads_given_win_over_the_database_default() -> None:
    assert load_settings({"HUB_WORKER_THREADS": "3"}).effective_worker_threads == 3
    assert (
        load_settings({"HUB_DATABASE_URL": "postgresql+psycopg://u@h/db"}, worker_threads=1).effective_worker_threads
        == 1
    )


def test_overrides_win_over_environment() -> None:
    settings = load_settings({"HUB_MAX_XML_DEPTH": "100"}, max_xml_depth=50)
    assert settings.max_xml_depth == 50


def test_processes_default_to_two_on_linux_with_two_cores_else_one() -> None:
    assert default_processes("linux", cores=2) == 2
    assert default_processes("linux", cores=16) == 2  # more only when asked: one SQLite file
    assert default_processes("linux", cores=1) == 1
    assert default_processes("darwin", cores=8) == 1  # no die-with-parent there
    assert default_processes("win32", cores=8) == 1


def test_processes_set_win_over_the_default() -> None:
    assert load_settings({}).processes == 0  # "not set": hub serve picks default_processes()
    assert load_settings({}).effective_processes == default_processes()
    assert load_settings({"HUB_PROCESSES": "3"}).effective_processes == 3
    assert load_settings({"HUB_PROCESSES": "1"}).effective_processes == 1


def test_demo_settings_are_its_environment(tmp_path: Path) -> None:
    """`hub demo`'s processes read the demo's settings from the variables it exports."""
    from hub import demo

    in_code = demo.settings(tmp_path / "demo", {"HUB_MAX_XML_DEPTH": "100"})
    from_environment = load_settings({"HUB_MAX_XML_DEPTH": "100", **demo.environment(tmp_path / "demo")})
    assert in_code == from_environment
    assert in_code.data_dir == (tmp_path / "demo").resolve()
    assert in_code.signing_key_path == demo.DEMO_PKI / "hub.key"
    assert in_code.max_xml_depth == 100  # the user's other settings still apply


def test_backlog_bounds_default_to_a_minute_of_work_and_a_quarter_of_it_per_organization() -> None:
    settings = load_settings({})
    assert settings.max_backlog == DEFAULT_MAX_BACKLOG
    assert settings.effective_max_backlog_per_org == DEFAULT_MAX_BACKLOG // 4
    scaled = load_settings({"HUB_MAX_BACKLOG": "800"})
    assert (scaled.max_backlog, scaled.effective_max_backlog_per_org) == (800, 200)  # the share follows
    assert load_settings({"HUB_MAX_BACKLOG": "3"}).effective_max_backlog_per_org == 1  # never 0 = off


def test_backlog_bounds_set_or_switched_off() -> None:
    settings = load_settings({"HUB_MAX_BACKLOG": "100", "HUB_MAX_BACKLOG_PER_ORG": "70"})
    assert (settings.max_backlog, settings.effective_max_backlog_per_org) == (100, 70)
    off = load_settings({"HUB_MAX_BACKLOG": "0", "HUB_MAX_BACKLOG_PER_ORG": "0"})
    assert (off.max_backlog, off.effective_max_backlog_per_org) == (0, 0)
    assert load_settings({}, max_backlog=10, max_backlog_per_org=4).effective_max_backlog_per_org == 4


def test_worker_idle_wait_and_upload_stall_are_read_from_the_environment() -> None:
    defaults = load_settings({})
    assert (defaults.worker_idle_ms, defaults.upload_stall_seconds) == (20, 60.0)
    settings = load_settings({"HUB_WORKER_IDLE_MS": "50", "HUB_UPLOAD_STALL_SECONDS": "5"})
    assert (settings.worker_idle_ms, settings.upload_stall_seconds) == (50, 5.0)
