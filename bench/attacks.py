"""``python -m bench.attacks``: what the security review's costly attacks cost the hub now.

* a 15 MB request signed by a key nobody registered: one alone, then 8 at once — wall time per
  request and the server processes' memory (peak and after);
* the same request signed by a registered key (the full verification an honest sender pays),
  for comparison;
* wrong HTTP Basic passwords in a row: how many cost an scrypt before the bound answers at once.

The embedded hub as shipped (``hub serve``, default processes) on loopback, fresh data directory.
Every loop is bounded; nothing but 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lxml import etree

from bench.common import PASSWORD, BenchOrg, Loopback, hub_processes, machine, register_orgs, settings_env
from hub.config import default_processes
from hub.contract import pki
from testkit.messages import HM_PATH, export_house_body, get_state, signed

MIB = 1024 * 1024


def _padded_export(size: int) -> str:
    """An exportHouseRequest padded to ``size`` bytes inside the signed element (1 MiB text nodes)."""
    chunk = "<hm:Pad>" + " " * MIB + "</hm:Pad>"
    return export_house_body().replace(
        "</hm:exportHouseRequest>", chunk * (size // len(chunk)) + "</hm:exportHouseRequest>"
    )


def _server_pids(base: str) -> list[int]:
    """The processes serving ``base``: ``hub serve``'s uvicorn workers (or the lone process)."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and port.encode() in argv:
            parent = int(entry.name)
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
            workers = [int(p) for p in children if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
            return workers or [parent]
    raise RuntimeError("hub serve process not found")


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _memory(pids: list[int]) -> str:
    return ", ".join(f"{_memory_mb(p, 'VmRSS'):.0f} MB (peak {_memory_mb(p, 'VmHWM'):.0f})" for p in pids)


def _fault_code(body: bytes) -> str:
    code = etree.fromstring(body).find(".//{http://dom.gosuslugi.ru/schema/integration/base/}ErrorCode")
    return (code.text or "") if code is not None else "ok"


def _post_timed(base: str, message: bytes, *, auth: tuple[str, str] | None = None) -> tuple[float, str]:
    connection = Loopback(base, user=auth[0] if auth else None, password=auth[1] if auth else None)
    try:
        started = time.perf_counter()
        _, body = connection.post(HM_PATH, message)
        return time.perf_counter() - started, _fault_code(body)
    finally:
        connection.close()


def _batch(base: str, message: bytes, count: int) -> tuple[float, list[float], set[str]]:
    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(lambda _: _post_timed(base, message), range(count)))
    return time.perf_counter() - started, [t for t, _ in answers], {c for _, c in answers}


def run(size_mb: int, concurrent: int, guesses: int) -> None:
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        env = settings_env(data)
        (org,) = register_orgs(f"sqlite:///{data / 'hub.sqlite3'}", 1)
        stranger = pki.issue_certificate(pki.create_ca("Attacker CA"), common_name="Attacker")
        body = _padded_export(size_mb * MIB)
        unknown = signed(body, stranger, org.ppaguid)
        known = signed(body, org.identity, org.ppaguid)
        with hub_processes(env, processes=default_processes()) as base:
            pids = _server_pids(base)
            deadline = time.monotonic() + 60
            while min(_memory_mb(p, "VmRSS") for p in pids) < 80 and time.monotonic() < deadline:
                time.sleep(0.2)  # every process has built its hub (schemas loaded)
            print(f"hub serve: {len(pids)} processes; at rest: {_memory(pids)}")
            _unknown_key(base, pids, unknown, concurrent)
            _known_key(base, pids, org, known)
            _guessing(base, org, guesses)


def _unknown_key(base: str, pids: list[int], unknown: bytes, concurrent: int) -> None:
    alone, code = _post_timed(base, unknown)
    print(f"{len(unknown) / MIB:.1f} MB, unregistered key, alone: {alone:.2f} s → {code}")
    wall, times, codes = _batch(base, unknown, concurrent)
    print(
        f"  {concurrent} at once: wall {wall:.2f} s, each {statistics.median(times):.2f} s median, "
        f"{max(times):.2f} s max → {sorted(codes)}"
    )
    print(f"  memory right after: {_memory(pids)}")
    time.sleep(2)
    print(f"  memory 2 s later: {_memory(pids)}")


def _known_key(base: str, pids: list[int], org: BenchOrg, known: bytes) -> None:
    elapsed, code = _post_timed(base, known)
    print(f"the same message, registered key (full verification, then XSD): {elapsed:.2f} s → {code}")
    time.sleep(2)
    print(f"  memory 2 s later: {_memory(pids)}")


def _guessing(base: str, org: BenchOrg, guesses: int) -> None:
    request = get_state(str(uuid.uuid4()), org.ppaguid)
    times: list[float] = []
    codes: list[str] = []
    for _ in range(guesses):
        elapsed, code = _post_timed(base, request, auth=(org.ppaguid, "wrong-" + uuid.uuid4().hex))
        times.append(elapsed)
        codes.append(code)
    slow = [t for t, c in zip(times, codes, strict=True) if c == "AUT900009"]
    fast = [t for t, c in zip(times, codes, strict=True) if c == "AUT900012"]
    print(
        f"{guesses} wrong passwords in a row: {len(slow)} checked (AUT900009, median "
        f"{statistics.median(slow) * 1000 if slow else 0:.0f} ms), {len(fast)} refused by the bound "
        f"(AUT900012, median {statistics.median(fast) * 1000 if fast else 0:.1f} ms)"
    )
    right = _post_timed(base, request, auth=(org.ppaguid, PASSWORD))[1]
    print(f"  the right password from the same address afterwards → {right}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=15)
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--guesses", type=int, default=30)
    args = parser.parse_args()
    run(args.size_mb, args.concurrent, args.guesses)


if __name__ == "__main__":
    main()
