"""Configuration is read from the environment in one place, with secure defaults."""

from __future__ import annotations

from pathlib import Path

from hub.config import load_settings


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
