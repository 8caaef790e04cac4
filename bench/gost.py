"""``python -m bench.gost``: GOST signature verifications per second beside RSA-2048, one run.

Messages: importAccountData envelopes of ≈ 15 KB and ≈ 1 MB, parsed once; each verification runs
on the parsed tree (parsing is the same for both and is reported apart).

* GOST: a client-layout signature (inclusive C14N SignedInfo, GOST R 34.11-94 SignedProperties
  reference, Streebog-256 data reference) by a test-CA CryptoPro-A key, verified by
  :func:`hub.contract.gost.verify.verify_gost_signature` – with the digests on the backend this
  machine has (OpenSSL's gost provider when installed) and with the pure-Python backend forced;
* RSA: :func:`hub.contract.signing.sign_envelope` with an RSA-2048 identity from the test PKI
  (testkit/pki.py), verified by :func:`hub.contract.signature.verify_envelope`.

Also measured: how much a second thread gets done while a 1 MB GOST verification runs (the GIL).
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable
from unittest import mock

from bench.common import machine, save_report
from hub.contract import signature, signing
from hub.contract.gost import digests, issuing
from hub.contract.gost.signing import sign_envelope_gost
from hub.contract.gost.verify import verify_gost_signature
from hub.contract.xmlparse import parse_xml
from testkit.accounts import import_account
from testkit.messages import unsigned
from testkit.pki import org_identity

ORG = "6d3e7b1a-8c2f-4e5d-9a0b-1c2d3e4f5a6b"
SIZES = {"15 KB": 15_000, "1 MB": 1_000_000}


def _request(target: int) -> bytes:
    """An unsigned importAccountData envelope of about ``target`` bytes."""
    count = 1
    while True:
        data = unsigned(import_account(count=count, seed="bench-gost"), ORG)
        if len(data) >= target * 0.9:
            return data
        count = max(count + 1, int(count * target / len(data)))


def _rate(verify: Callable[[], object], *, budget: float, at_least: int = 2) -> tuple[float, float]:
    """(verifications per second, median seconds each) within about ``budget`` seconds."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < at_least or time.perf_counter() - started < budget:
        t0 = time.perf_counter()
        verify()
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return 1 / median, median


def _other_thread_progress(work: Callable[[], object]) -> float:
    """Share of its solo pace a counting thread keeps while ``work`` runs in another thread."""
    stop = threading.Event()

    def count(box: list[int]) -> None:
        while not stop.is_set():
            box[0] += 1

    solo = [0]
    thread = threading.Thread(target=count, args=(solo,))
    thread.start()
    time.sleep(0.3)
    stop.set()
    thread.join()
    stop.clear()
    shared = [0]
    thread = threading.Thread(target=count, args=(shared,))
    thread.start()
    t0 = time.perf_counter()
    work()
    elapsed = time.perf_counter() - t0
    stop.set()
    thread.join()
    return (shared[0] / elapsed) / (solo[0] / 0.3)


def run() -> dict[str, object]:
    gost = issuing.issue_certificate(issuing.create_ca("Bench CA"), common_name="bench", organization="bench")
    rsa = org_identity()
    report: dict[str, object] = {"machine": machine(), "gost_digest_backend": digests.backend(), "rows": []}
    rows: list[dict[str, object]] = []
    print(f"machine: {report['machine']}; GOST digest backend: {digests.backend()}")
    print(f"{'message':8} {'bytes':>9} {'parse ms':>9} {'verifier':28} {'verif./s':>9} {'ms each':>9}")
    for label, target in SIZES.items():
        request = _request(target)
        gost_root = parse_xml(sign_envelope_gost(request, gost, layout="client"))
        rsa_signed = signing.sign_envelope(request, rsa)
        rsa_root = parse_xml(rsa_signed)
        parse_ms = _rate(lambda data=rsa_signed: parse_xml(data), budget=0.5)[1] * 1e3  # type: ignore[misc]
        budget = 3.0 if target < 100_000 else 6.0
        cases: list[tuple[str, Callable[[], object]]] = [
            (f"GOST ({digests.backend()})", lambda root=gost_root: verify_gost_signature(root)),  # type: ignore[misc]
            ("GOST (pure Python forced)", lambda root=gost_root: _pure(lambda: verify_gost_signature(root))),  # type: ignore[misc]
            ("RSA-2048 (signxml)", lambda root=rsa_root: signature.verify_envelope(root)),  # type: ignore[misc]
        ]
        for name, verify in cases:
            per_s, each = _rate(verify, budget=budget)
            rows.append(
                {"message": label, "bytes": len(rsa_signed), "verifier": name, "per_s": per_s, "ms": each * 1e3}
            )
            print(f"{label:8} {len(rsa_signed):9} {parse_ms:9.1f} {name:28} {per_s:9.1f} {each * 1e3:9.1f}")
        if target >= 100_000:
            for name, verify in cases[:2]:
                share = _other_thread_progress(verify)
                report[f"other_thread_share_{name}"] = share
                print(f"  a second Python thread keeps {share:.0%} of its pace during a 1 MB {name} verification")
    report["rows"] = rows
    return report


def _pure(verify: Callable[[], object]) -> object:
    # The private switch is patched on purpose: the hub has no setting for it, only benchmarks need it.
    with mock.patch.object(digests, "_openssl_available", return_value=False):
        return verify()


def main() -> int:
    print(f"saved {save_report(run(), 'gost')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
