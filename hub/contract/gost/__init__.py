"""GOST signatures: what every real GIS client signs with (GOST R 34.10-2012, XAdES-BES; issue 21).

One job per module, bottom up:

* :mod:`.streebog`, :mod:`.gost94` – the hashes in pure Python (GOST R 34.11-2012 and
  GOST R 34.11-94 with CryptoPro parameters);
* :mod:`.digests` – the digests by XML-DSig URI, on OpenSSL's GOST provider when the system has
  it, else on the pure modules;
* :mod:`.gost3410` – the curves, signature verification and signing;
* :mod:`.der`, :mod:`.certificate` – reading GOST certificates (``cryptography`` cannot load their
  keys); :mod:`.issuing` – a small GOST CA for tests and the demo;
* :mod:`.claim` – what a ``ds:Signature`` claims, read cheaply; :mod:`.verify` – the check;
  :mod:`.signing` – signing envelopes in a client's or GIS's layout.

The SOAP path's structural anti-wrapping checks stay in :mod:`hub.contract.signature`: this
package verifies an element and its signature once those checks have located them.
"""

from hub.contract.gost.claim import GostClaim, is_gost_signature, read_claim
from hub.contract.gost.verify import GostVerified, verify_claim, verify_gost, verify_gost_signature

__all__ = [
    "GostClaim",
    "GostVerified",
    "is_gost_signature",
    "read_claim",
    "verify_claim",
    "verify_gost",
    "verify_gost_signature",
]
