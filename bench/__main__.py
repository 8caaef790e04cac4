"""``python -m bench [intake|accounts|all]``: run benchmarks, print a table, save JSON."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench import intake
from bench.common import machine

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str]) -> int:
    which = argv[0] if argv else "all"
    report: dict[str, object] = {"machine": machine(), "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"machine: {report['machine']}")
    if which in {"intake", "all"}:
        rows = intake.run()
        report["intake"] = [asdict(r) | {"ratio": r.ratio} for r in rows]
        print("\nIntake: fresh signed messages accepted per second (embedded, HTTP, 8 client threads)")
        print(f"{'message':36} {'bytes':>8} {'hub msg/s':>10} {'raw msg/s':>10} {'ratio':>6}")
        for r in rows:
            print(f"{r.kind:36} {r.size_bytes:8} {r.hub_per_s:10.1f} {r.raw_per_s:10.1f} {r.ratio:6.2f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nsaved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
