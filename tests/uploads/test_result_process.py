"""A large upload's result file written by a child process (``hub.store.result_process``), and
the preparation starting before the upload's batches are sent."""

from __future__ import annotations

import io
import multiprocessing
import time
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from hub.services.uploads import StoredUpload
from hub.web import upload_ports
from tests.e2e.harness import SHAPES, HubUnderTest, running_hub, wait_for
from tests.e2e.rest import get, token_for
from tests.uploads.setup import cold_water_meters
from tests.uploads.test_readings_upload import SHEET
from tests.uploads.workbooks import filled, post_file, result, statuses, template


@pytest.fixture(scope="module", params=SHAPES)
def hut(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    """A running hub per shape that writes every upload's result file in a child process."""
    with running_hub(request.param, tmp_path_factory.mktemp(request.param), result_process_rows=1) as hub:
        yield hub


def _children() -> list[str]:
    return [p.name for p in multiprocessing.active_children() if p.name.startswith("hub-result-")]


def test_a_child_process_writes_the_result_file_the_hub_would_build(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    roots = cold_water_meters(hut, hut.orgs["a"], 2)
    rows = [(roots[0], "1", 20, None, None, "20.11.2026"), (roots[1], "2", 20, None, None, "20.11.2026")]
    answer = post_file(hut, token, filled(template(hut, token, "readings"), {SHEET: rows}))
    assert answer.status_code == 202, answer.text
    upload_id = answer.json()["upload_id"]
    children: set[str] = set()
    deadline = time.monotonic() + 60
    while get(hut, f"/uploads/{upload_id}", token).json()["state"] != "processed" or _children():
        children.update(_children())
        assert time.monotonic() < deadline, "the upload or its result's process did not finish"
        time.sleep(0.05)
    assert children == {f"hub-result-{upload_id[:8]}"}  # the file was written by a child, now ended
    ports = upload_ports(hut.hub)
    stored = ports.desk.visible(upload_id, None)
    prepared = ports.results.store.stored_result(stored.id)
    assert prepared is not None
    _name, built = ports.desk.result(stored)  # what the hub builds when nothing was prepared
    on_demand = statuses(load_workbook(io.BytesIO(built)), SHEET)
    assert statuses(load_workbook(io.BytesIO(prepared)), SHEET) == on_demand
    assert statuses(result(hut, token, upload_id)[1], SHEET) == on_demand
    assert on_demand[0] == "Обработано" and on_demand[1].startswith("Ошибка: INT912002")


def test_the_preparation_is_told_of_the_upload_before_its_batches_are_sent(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    roots = cold_water_meters(hut, hut.orgs["a"], 1)
    data = filled(template(hut, token, "readings"), {SHEET: [(roots[0], "1", 21, None, None, "21.11.2026")]})
    ports = upload_ports(hut.hub)
    seen: list[tuple[bool, int]] = []

    def stored(upload: StoredUpload) -> None:
        seen.append((upload.submitted, len(ports.desk.store.messages(upload.id))))

    upload_guid = ports.desk.submit(hut.orgs["a"].id, "Показания.xlsx", data, ports.lookups, stored=stored)
    upload = ports.desk.visible(upload_guid, None)
    assert seen == [(False, 0)]  # stored, nothing sent yet
    assert upload.submitted and len(ports.desk.store.messages(upload.id)) == 1
    assert wait_for(lambda: ports.desk.status(ports.desk.visible(upload_guid, None)).state == "processed", 30)
