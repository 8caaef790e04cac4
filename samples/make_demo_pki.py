"""(Re)create the TEST-ONLY demo PKI under samples/demo-pki/ (or the directory given).

    python samples/make_demo_pki.py [outdir]

Writes a demo CA and four signing identities (RSA-2048, valid 10 years), each as
``<name>.pem`` (certificate) and ``<name>.key`` (unencrypted PKCS#8 private key):

* ``demo-ca``        – the demo certification authority;
* ``demo-org``       – the demo management company «ООО «Демо УК»»;
* ``demo-operator``  – an operator of the hub;
* ``demo-other-org`` – a second organization, to show access control refusing it;
* ``hub``            – the hub's own signing identity (signs getState results).

The private keys are published in the repository on purpose: they exist so committed signed
samples verify. Never trust them anywhere but a demo or a test.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hub.contract import pki  # noqa: E402

VALIDITY = dt.timedelta(days=3653)
TEST_ONLY = "ТОЛЬКО ДЛЯ ТЕСТОВ"

IDENTITIES = {
    "demo-org": ("Демо УК, подписант (ТЕСТ)", "ООО «Демо УК»"),
    "demo-operator": ("Оператор zhkh-hub (ТЕСТ)", "zhkh-hub demo operator"),
    "demo-other-org": ("Другая УК, подписант (ТЕСТ)", "ООО «Другая УК»"),
    "hub": ("zhkh-hub (ТОЛЬКО ДЛЯ ТЕСТОВ)", "zhkh-hub demo"),
}


def main(argv: list[str]) -> int:
    outdir = Path(argv[1]) if len(argv) > 1 else REPO / "samples" / "demo-pki"
    outdir.mkdir(parents=True, exist_ok=True)
    ca = pki.create_ca(f"Демо УЦ zhkh-hub ({TEST_ONLY})", organization="zhkh-hub demo PKI", validity=VALIDITY)
    pki.write_pem_files(ca, outdir / "demo-ca.key", outdir / "demo-ca.pem")
    print(f"demo-ca         {pki.fingerprint(ca.certificate)}")
    for name, (common_name, organization) in IDENTITIES.items():
        identity = pki.issue_certificate(ca, common_name=common_name, organization=organization, validity=VALIDITY)
        pki.write_pem_files(identity, outdir / f"{name}.key", outdir / f"{name}.pem")
        print(f"{name:<15} {identity.fingerprint}")
    print(f"written to {outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
