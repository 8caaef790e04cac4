"""An upload whose POST died half-way is resumed: every row gets one outcome, nothing doubled.

The desk that takes the POST is given an intake that dies on the second batch right after
committing it (the worst moment: the intake holds the batch, the upload does not know it), so
the upload is left with one recorded batch, one accepted but unrecorded, and one never sent.
The resumer the running hub has (``UploadDesk.resume`` every HUB_SWEEP_SECONDS for uploads stalled
HUB_UPLOAD_STALL_SECONDS, as each ``hub serve`` process runs it) must finish it.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import func, select

from adapters.excel.adapter import ExcelAdapter
from hub.services.intake import Ack, Intake, Submission
from hub.services.uploads import _BATCH_NS, UploadDesk
from hub.store.tables import inbox
from hub.store.tables import uploads as uploads_table
from hub.store.uploads import SqlUploads
from hub.web import upload_ports
from testkit.uploads import READINGS_SHEET, AccountRecord, HouseRecord, accounts_rows, house_rows, readings_rows
from tests.e2e.harness import SHAPES, HubUnderTest, running_hub
from tests.e2e.rest import get, token_for
from tests.uploads.setup import cold_water_meters
from tests.uploads.test_readings_upload import SHEET, stored_readings
from tests.uploads.workbooks import NoData, filled, result, statuses, template

ROWS = 2100  # three batches of ≤ 1000 readings
#: HUB_UPLOAD_STALL_SECONDS of this module's hubs: long enough to look at the cut-off upload first
STALL_SECONDS = 4.0


@pytest.fixture(scope="module", params=SHAPES)
def hut(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    """A running hub per shape whose own resumer takes an upload stalled for STALL_SECONDS."""
    with running_hub(request.param, tmp_path_factory.mktemp(request.param), upload_stall_seconds=STALL_SECONDS) as hub:
        yield hub


class DiesOnSecondBatch:
    """The real intake, except that the process "dies" right after committing the second batch."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self.calls = 0

    def submit(self, submission: Submission) -> Ack:
        self.calls += 1
        ack = self.intake.submit(submission)
        if self.calls == 2:
            raise RuntimeError("the process died")
        return ack


def test_an_upload_cut_off_mid_post_is_resumed_without_losing_or_doubling_rows(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    roots = cold_water_meters(hut, hut.orgs["a"])
    # one reading per meter and month, every month back from November 2026; the same value, so
    # the batches' order decides nothing
    months = [2026 * 12 + 10 - i // 3 for i in range(ROWS)]  # November 2026 and back
    rows = [(roots[i % 3], "1", 100, None, None, date(m // 12, m % 12 + 1, 20)) for i, m in enumerate(months)]
    data = filled(template(hut, token, "readings"), {SHEET: rows})
    before = stored_readings(hut)
    ports = upload_ports(hut.hub)
    dying = DiesOnSecondBatch(hut.hub.intake)
    uploads = SqlUploads(hut.hub.store)
    intake: Intake = dying  # type: ignore[assignment]
    desk = UploadDesk(intake=intake, directory=hut.hub.directory, registry=hut.hub.registry, store=uploads)
    with pytest.raises(RuntimeError, match="died"):
        desk.submit(hut.orgs["a"].id, "Показания.xlsx", data, ports.lookups)

    with hut.hub.store.reading() as conn:
        newest = select(uploads_table.c.upload_guid).order_by(uploads_table.c.id.desc()).limit(1)
        upload_guid = conn.execute(newest).scalar_one()
    stored = uploads.get(upload_guid)
    assert stored is not None and not stored.submitted
    # the first batch is processed, yet the upload is not: two thirds of its rows never came in
    time.sleep(1.0)
    status = get(hut, f"/uploads/{upload_guid}", token).json()
    assert status["state"] == "processing" and len(status["message_guids"]) == 1, status

    # not stalled yet (another process may still be sending it): nothing to resume
    assert ports.desk.resume(ports.lookups, stalled_seconds=60) == []
    # stalled (STALL_SECONDS here): the resumer the running hub has (every HUB_SWEEP_SECONDS)
    # sends the rest
    deadline = time.monotonic() + 60
    while (status := get(hut, f"/uploads/{upload_guid}", token).json())["state"] != "processed":
        assert time.monotonic() < deadline, status
        time.sleep(0.1)
    assert ports.desk.resume(ports.lookups, stalled_seconds=0) == []  # submitted: nothing left
    assert status["rows_done"] + status["rows_failed"] == ROWS
    assert len(status["message_guids"]) == len(set(status["message_guids"])) == 3

    # each batch reached the inbox once: the resend of the accepted second batch was its duplicate
    with hut.hub.store.reading() as conn:
        for key in range(3):
            requester = str(uuid.uuid5(_BATCH_NS, f"{upload_guid}:{key}"))
            count = conn.execute(
                select(func.count()).select_from(inbox).where(inbox.c.requester_message_guid == requester)
            ).scalar_one()
            assert count == 1, key

    _name, book = result(hut, token, upload_guid)
    got = statuses(book, SHEET)
    assert len(got) == ROWS and all(s == "Обработано" or s.startswith("Ошибка:") for s in got)
    assert got.count("Обработано") == status["rows_done"] == stored_readings(hut) - before
    assert status["rows_done"] > 0


def _batches(data: bytes) -> list[bytes]:
    parsed = ExcelAdapter().read(data, NoData(), "x.xlsx")  # type: ignore[arg-type]
    assert parsed.batches
    return [etree.tostring(b.make(list(range(len(b.rows))))) for b in parsed.batches]


@pytest.mark.parametrize("kind", ["readings", "accounts", "houses"])
def test_the_same_file_read_again_makes_the_same_batches(kind: str) -> None:
    """What makes a resumed batch the same message (and another file's objects other ones)."""
    adapter = ExcelAdapter()
    blank = adapter.template(kind, NoData())  # type: ignore[arg-type]
    rows: dict[str, Any] = {
        "readings": lambda: {READINGS_SHEET: readings_rows([str(uuid.uuid4()) for _ in range(3)])},
        "accounts": lambda: accounts_rows([AccountRecord(f"Л-{i}", str(uuid.uuid4())) for i in range(3)]),
        "houses": lambda: house_rows(
            HouseRecord(str(uuid.uuid4()), flats=(("1", 1, ("1", "2")), ("2", 2, ())), lifts=((3, "ЛФ-3", "1"),))
        ),
    }
    data = filled(blank, rows[kind]())
    first, again = _batches(data), _batches(data)
    assert first == again
    transports = set(re.findall(rb"TransportGUID>([^<]+)<", first[0]))
    assert len(transports) >= 3  # one per object, none shared within the message
    other = set(re.findall(rb"TransportGUID>([^<]+)<", _batches(filled(blank, rows[kind]()))[0]))
    assert not transports & other
