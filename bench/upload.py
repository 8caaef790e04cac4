"""A generated 100 000-row readings workbook uploaded end to end, beside the raw limit.

Two files, written with openpyxl's write-only mode as the readings template's sheet:

* ``monthly`` (the default; what an organization uploads each month): one reading of each of
  100 000 hot-water meters, in 100 houses of 1000 premises the organization manages. The houses
  and meters are inserted straight into the store (``testkit.seeds``: placing 100 000 meters over
  SOAP would take minutes). The workers run as configured (``HUB_WORKER_THREADS`` by database).
* ``history``: 34 months of readings of 3000 meters (102 000 rows, the first 100 000 taken),
  months in order, the accounts and meters placed over signed SOAP (30 + 30 messages of 100).
  One worker thread (``HUB_WORKER_THREADS=1``): a meter's months must be applied in order.

hub:  ``POST /api/v1/uploads`` (calamine read, rows → 100 requests of 1000, XSD, intake), the
      worker processes the messages, the status is polled every 0.5 s until every row has its
      outcome, then ``GET …/result`` (the result workbook). Rate = rows / wall time from the POST
      to the result file. Peak RSS = VmHWM of the ``hub serve`` process (and of ``hub worker`` in
      the production shape) at the end, and of the child of ``hub serve`` that writes the result
      file (``HUB_RESULT_PROCESS_ROWS``), looked at every poll.
raw:  the same workbook in one process, no HTTP, no queue, no rules: calamine read + the request
      XML of every 1000 rows + XSD validation + one batched insert of the 1000 rows into a
      readings-shaped table + the result workbook (write-only, a status column).
"""

from __future__ import annotations

import contextlib
import io
import resource
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

import adapters.excel.mappers.readings as mappers
from adapters.excel.kinds import READINGS, STATUS_HEADER
from adapters.excel.mappers.common import DM, root
from bench.common import PASSWORD, Loopback, hub_processes, register_orgs, settings_env, storage
from bench.readings import MONTHS, _place
from hub.contract.schemas import Schemas
from hub.services import tokens
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.tokens import SqlTokens
from testkit.seeds import add_house, add_meters

ROWS = 100_000
HISTORY_METERS = 3000
HOUSE_PREMISES = 1000
SCENARIOS = ("monthly", "history")
HOT_WATER = "2"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class UploadBench:
    shape: str
    scenario: str
    rows: int
    file_bytes: int
    messages: int
    hub_seconds: float
    #: of ``hub_seconds``: until the POST was answered (read, checked, every batch accepted)
    post_seconds: float
    #: of ``hub_seconds``: until the status poll saw every row's outcome (before the result file)
    processed_seconds: float
    raw_seconds: float
    #: the serve process's peak before the upload (after the set-up over SOAP)
    serve_rss_before_mb: float
    serve_peak_rss_mb: float
    #: the serve process's peak when the POST was answered (before the status polls and the result file)
    serve_rss_after_post_mb: float
    worker_peak_rss_mb: float | None
    #: the child process of ``hub serve`` that wrote the result file (``HUB_RESULT_PROCESS_ROWS``)
    result_peak_rss_mb: float | None
    raw_peak_rss_mb: float

    @property
    def hub_rows_per_s(self) -> float:
        return self.rows / self.hub_seconds

    @property
    def raw_rows_per_s(self) -> float:
        return self.rows / self.raw_seconds

    @property
    def ratio(self) -> float:
        """End to end time over the raw time (goal ≤ 2)."""
        return self.hub_seconds / self.raw_seconds


def workbook(meters: list[str], rows: int) -> bytes:
    """The readings template's sheets filled with ``rows`` readings, months in order."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(READINGS.main.name)
    sheet.append([READINGS.template])
    sheet.append(list(READINGS.main.headers))
    written = 0
    for year, month in MONTHS:
        value = str((year - 2023) * 12 + month)
        for meter in meters:
            if written == rows:
                break
            sheet.append([meter, HOT_WATER, value, None, None, f"20.{month:02d}.{year}"])
            written += 1
    conf = book.create_sheet("conf")
    conf.sheet_state = "hidden"
    conf.append(["TYPE", READINGS.type])
    conf.append(["VERSION", READINGS.version])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children_peak_rss_mb(pid: int, seen: dict[int, float]) -> None:
    """Records in ``seen`` the peak RSS of each child process ``pid`` has now (a child's VmHWM
    only grows, so the last look before it ends is within a poll of its peak)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            with contextlib.suppress(OSError):  # it ended between the two reads
                seen[child] = max(seen.get(child, 0.0), peak_rss_mb(child))


def raw(data: bytes, scratch_db: Path) -> float:
    """Seconds of the raw limit (module docstring)."""
    schemas = Schemas.load()
    engine = make_engine(f"sqlite:///{scratch_db}")
    columns = ["guid", "device", "value", "date"]
    table = Table("raw", MetaData(), Column("id", Integer, primary_key=True), *(Column(c, String) for c in columns))
    table.metadata.create_all(engine)
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(READINGS.main.name)
    rows = list(sheet.iter_rows())[2:]
    for start in range(0, len(rows), READINGS.limit):
        chunk = rows[start : start + READINGS.limit]
        readings = [
            mappers.Reading(
                str(r[0]), False, "OneRateDeviceValue", str(r[1]), str(uuid.uuid4()), (str(r[2]), None, None),
                "-".join(reversed(str(r[5]).split("."))), str(uuid.uuid4()),
            )
            for r in chunk
        ]  # fmt: skip
        request = root(DM, "importMeteringDeviceValuesRequest", mappers.READINGS_VERSION, {"dm": DM})
        request.extend(mappers._block(r) for r in readings)
        schemas.validate(request)
        with engine.begin() as conn:
            conn.execute(
                insert(table),
                [{"guid": r.transport, "device": r.device, "value": r.values[0], "date": r.date} for r in readings],
            )
    book = Workbook(write_only=True)
    out = book.create_sheet(READINGS.main.name)
    out.append([READINGS.template])
    out.append([*READINGS.main.headers, STATUS_HEADER])
    for row in rows:
        out.append([*row, "Обработано"])
    book.save(io.BytesIO())
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def run(*, shape: str = "embedded", scenario: str = "monthly", rows: int = ROWS) -> UploadBench:
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, storage(shape) as (db_url, broker_url):
        data_dir = Path(tmp) / "data"
        env = settings_env(data_dir, db_url, broker_url)
        if scenario == "history":
            env["HUB_WORKER_THREADS"] = "1"
        url = db_url or f"sqlite:///{data_dir / 'hub.sqlite3'}"
        (org,) = register_orgs(url, 1)
        engine = make_engine(url)
        roots: list[str] = []
        with engine.begin() as conn:
            if scenario == "history":
                house = add_house(conn, org.id, premises_count=HISTORY_METERS, rooms=0)
            else:
                for _ in range(-(-rows // HOUSE_PREMISES)):
                    placed = add_house(conn, org.id, premises_count=HOUSE_PREMISES, rooms=0)
                    roots += add_meters(conn, org.id, placed, resource=HOT_WATER)
        _token, secret = tokens.issue(SqlTokens(Store(engine), actor="bench"), org.id, "bench upload")
        engine.dispose()
        pids: list[int] = []
        with hub_processes(env, workers=1 if shape == "production" else 0, started=pids) as base:
            if scenario == "history":
                soap = Loopback(base, user=org.ppaguid, password=PASSWORD)
                roots = _place(soap, org, house.premises)
                soap.close()
            data = workbook(roots, rows)
            rss_before = peak_rss_mb(pids[0])
            headers = {"Authorization": f"Bearer {secret}"}
            with httpx.Client(base_url=base + "/api/v1", headers=headers, timeout=600) as client:
                started = time.perf_counter()
                answer = client.post("/uploads", files={"file": ("Показания.xlsx", data, XLSX)})
                if answer.status_code != 202:
                    raise RuntimeError(answer.text[:500])
                posted = time.perf_counter() - started
                rss_after_post = peak_rss_mb(pids[0])
                upload_id = answer.json()["upload_id"]
                children: dict[int, float] = {}
                while True:
                    children_peak_rss_mb(pids[0], children)
                    status = client.get(f"/uploads/{upload_id}").json()
                    if status["state"] == "processed":
                        processed = time.perf_counter() - started
                        break
                    time.sleep(0.5)
                children_peak_rss_mb(pids[0], children)
                result = client.get(f"/uploads/{upload_id}/result")
                hub_seconds = time.perf_counter() - started
            if result.status_code != 200 or status["rows_done"] != rows:
                raise RuntimeError(f"{rows - status['rows_done']} rows failed: {status}")
            serve_rss = peak_rss_mb(pids[0])
            worker_rss = peak_rss_mb(pids[1]) if len(pids) > 1 else None
        raw_seconds = raw(data, Path(tmp) / "raw.sqlite3")
        return UploadBench(
            shape=shape,
            scenario=scenario,
            rows=rows,
            file_bytes=len(data),
            messages=len(status["message_guids"]),
            hub_seconds=hub_seconds,
            post_seconds=posted,
            processed_seconds=processed,
            raw_seconds=raw_seconds,
            serve_rss_before_mb=rss_before,
            serve_peak_rss_mb=serve_rss,
            serve_rss_after_post_mb=rss_after_post,
            worker_peak_rss_mb=worker_rss,
            result_peak_rss_mb=max(children.values(), default=None),
            raw_peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
