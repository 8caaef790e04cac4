"""A DOCTYPE reaches no file over HTTP, and says nothing about the server's files.

The review's attacks, posted to a running hub of each deployment shape: a DOCTYPE libxml2 used
to load (after a long comment, in UTF-16, naming ``/etc/passwd``), paths that exist, do not exist
or are directories (one answer for all), and a flood of requests naming a FIFO, which pinned
every request thread until the parser stopped opening system ids.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from functools import partial
from pathlib import Path

import httpx
import pytest

from hub.errors import E, HubError
from testkit.answers import fault_code, fault_message
from testkit.messages import HM_PATH, SOAP, export_house_body, signed
from tests.e2e.harness import HubUnderTest
from tests.security.fifo import fifo

REFUSED = HubError(E.FMT900002).message
XML = {"Content-Type": "text/xml; charset=utf-8"}
FLOOD = 50  # more than the 40 threads of Starlette's default pool
FLOOD_SECONDS = 20  # every request answered within this, or the test fails
PROMPT_SECONDS = 5  # a valid request answered within this while the flood runs


def _envelope(doctype: str, *, before: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{before}{doctype}\n'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}"><soapenv:Body/></soapenv:Envelope>'
    )


def _hidden(path: Path) -> list[bytes]:
    """A DOCTYPE naming ``path`` in the two shapes the old byte scan missed."""
    doctype = f'<!DOCTYPE soapenv:Envelope SYSTEM "{path}">'
    utf16 = _envelope(doctype).replace("UTF-8", "UTF-16")
    return [
        _envelope(doctype, before=f"<!--{'x' * 5000}-->\n").encode(),
        codecs.BOM_UTF16_LE + utf16.encode("utf-16-le"),
    ]


def _refusal(response: httpx.Response) -> str:
    """The answer must be FMT900002; returns its text."""
    assert response.status_code == 500, response.text[:1000]
    assert fault_code(response.content) == "FMT900002", response.text[:2000]
    return fault_message(response.content)


def _refused(hut: HubUnderTest, body: bytes) -> str:
    """Post ``body``: refused with FMT900002, nothing stored; returns the fault text."""
    before = hut.inbox_count()
    message = _refusal(hut.client.post(hut.base_url + HM_PATH, content=body, headers=XML))
    assert hut.inbox_count() == before, "a refused request must not be stored"
    return message


@pytest.fixture
def trap(tmp_path: Path) -> Iterator[Path]:
    with fifo(tmp_path / "subset.dtd") as path:
        yield path


def test_doctype_after_a_5kb_comment(hut: HubUnderTest) -> None:
    body = _envelope('<!DOCTYPE soapenv:Envelope SYSTEM "/etc/passwd">', before=f"<!--{'x' * 5000}-->\n")
    assert _refused(hut, body.encode()) == REFUSED


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_doctype_naming_etc_passwd(hut: HubUnderTest, codec: str) -> None:
    text = _envelope('<!DOCTYPE soapenv:Envelope SYSTEM "/etc/passwd">').replace("UTF-8", "UTF-16")
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    assert _refused(hut, bom + text.encode(codec)) == REFUSED


def test_existing_missing_and_directory_paths_get_one_answer(hut: HubUnderTest, tmp_path: Path) -> None:
    existing = tmp_path / "exists.dtd"
    existing.write_text('<!ENTITY x "y">')
    answers = {
        (str(path), shape): _refused(hut, body)
        for path in (existing, Path("/etc/passwd"), tmp_path / "missing.dtd", tmp_path, Path("/root"))
        for shape, body in enumerate(_hidden(path))
    }
    assert set(answers.values()) == {REFUSED}, answers


def test_fifo_flood_leaves_the_hub_answering(hut: HubUnderTest, trap: Path) -> None:
    """50 concurrent requests name a FIFO (after a 5 KB comment, in UTF-16): each is refused at
    once, and a valid request sent meanwhile is answered promptly (when the parser opened the
    FIFO, the flood pinned every request thread and the valid request waited for good)."""
    attacks = _hidden(trap)
    org = hut.orgs["a"]
    valid = signed(export_house_body(), org.identity, org.ppaguid)
    before = hut.inbox_count()
    started = time.monotonic()
    with (
        httpx.Client(timeout=FLOOD_SECONDS, limits=httpx.Limits(max_connections=FLOOD + 1)) as client,
        ThreadPoolExecutor(max_workers=FLOOD) as pool,
    ):
        post = partial(client.post, hut.base_url + HM_PATH, headers=XML)
        flood = [pool.submit(lambda body: _refusal(post(content=body)), attacks[n % 2]) for n in range(FLOOD)]
        asked = time.monotonic()
        response = client.post(hut.base_url + HM_PATH, content=valid, headers=XML, timeout=PROMPT_SECONDS)
        answered = time.monotonic() - asked
        done, pending = wait(flood, timeout=FLOOD_SECONDS)
        for future in pending:
            future.cancel()
    flooded = time.monotonic() - started
    assert response.status_code == 200, response.text[:1000]
    assert not pending, f"{len(pending)} of {FLOOD} attack requests unanswered after {FLOOD_SECONDS} s"
    assert {future.result() for future in done} == {REFUSED}
    assert hut.inbox_count() == before + 1, "only the valid request is stored"
    print(f"\n{hut.shape}: valid request answered in {answered:.3f} s; {FLOOD} refusals in {flooded:.3f} s")
