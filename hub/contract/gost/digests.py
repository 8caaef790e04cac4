"""The GOST digests XML-DSig names, by URI, each on the fastest implementation that is present.

Why two implementations: a compiled Streebog is ≈ 150× faster than the pure-Python one and,
unlike it, runs without the GIL – the data reference of a 1 MB request costs ≈ 15 ms instead of
≈ 2 s. The only compiled Streebog found that computes the right values and is maintained is
OpenSSL's GOST provider (``gostprov`` from gost-engine; Debian/Ubuntu package
``libengine-gost-openssl``), which is a system package, not a PyPI one. So: when the Python
interpreter's own libcrypto can load that provider, :func:`streebog256` and :func:`gostr3411_94`
go through :mod:`hashlib` (which releases the GIL for inputs over 2 KiB); otherwise the pure
modules :mod:`~hub.contract.gost.streebog` and :mod:`~hub.contract.gost.gost94` answer. The
provider is loaded on first use, not at import, and only after it reproduces the published test
vectors; :func:`backend` tells which one is in use (the benchmark prints it).

Measured alternatives (2-core machine, Python 3.11.7, 15 KB / 1 MB): OpenSSL gostprov 0.2 / 14 ms;
streebog-rs 0.2.0 27 ms / 1.5 s (GIL held throughout); this package's pure Python 45 ms / 2.1 s;
gostcrypto 1.2.5 144 ms / 7.5 s; streebog-lc 0.2.0 2 ms / 200 ms but wrong for 5 lengths in 300.

Loading the provider into the process's default OpenSSL context also makes GOST available to
anything else in the process that uses the interpreter's libcrypto (``ssl``); ``cryptography``
carries its own OpenSSL and is not affected.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
from collections.abc import Callable
from typing import Final, Literal

from hub.contract.gost import gost94, streebog

Backend = Literal["openssl-gostprov", "python"]

#: XML-DSig algorithm URIs of GOST digests (CryptoPro's URN for 2012, the RFC 6931 URIs).
STREEBOG256_URI: Final = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256"
STREEBOG512_URI: Final = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-512"
STREEBOG256_RFC6931_URI: Final = "http://www.w3.org/2001/04/xmldsig-more#gostr34112012-256"
STREEBOG512_RFC6931_URI: Final = "http://www.w3.org/2001/04/xmldsig-more#gostr34112012-512"
GOSTR3411_94_URI: Final = "http://www.w3.org/2001/04/xmldsig-more#gostr3411"

# RFC 6986 §10.1 example M1 (the ASCII digits) and its 256-bit digest, as bytes hash to it.
_M1 = b"012345678901234567890123456789012345678901234567890123456789012"
_M1_STREEBOG256 = "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"
# gost-engine's test/01-digest.t, md_gost94 (CryptoPro parameters): 128 × "12345670".
_GOST94_VECTOR = (b"12345670" * 128, "f7fc6d16a6a5c12ac4f7d320e0fd0d8354908699125e09727a4ef929122b1cae")


def streebog256(data: bytes) -> bytes:
    """GOST R 34.11-2012, 256 bits."""
    return _openssl_or("md_gost12_256", streebog.streebog256)(data)


def streebog512(data: bytes) -> bytes:
    """GOST R 34.11-2012, 512 bits."""
    return _openssl_or("md_gost12_512", streebog.streebog512)(data)


def gostr3411_94(data: bytes) -> bytes:
    """GOST R 34.11-94, CryptoPro parameters.

    The empty input always goes to the pure implementation: gostprov 3.0.1 answers it with a value
    that is not the published one (``981e5f3c…`` per RFC 5831's algorithm).
    """
    if not data:
        return gost94.gostr3411_94(data)
    return _openssl_or("md_gost94", gost94.gostr3411_94)(data)


#: Digest functions by XML-DSig URI.
DIGESTS: Final[dict[str, Callable[[bytes], bytes]]] = {
    STREEBOG256_URI: streebog256,
    STREEBOG256_RFC6931_URI: streebog256,
    STREEBOG512_URI: streebog512,
    STREEBOG512_RFC6931_URI: streebog512,
    GOSTR3411_94_URI: gostr3411_94,
}


def backend() -> Backend:
    """Which implementation computes the digests in this process."""
    return "openssl-gostprov" if _openssl_available() else "python"


def _openssl_or(name: str, fallback: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    if _openssl_available():
        return functools.partial(_openssl_digest, name)
    return fallback


def _openssl_digest(name: str, data: bytes) -> bytes:
    return hashlib.new(name, data).digest()


@functools.cache
def _openssl_available() -> bool:
    """Load gostprov into the interpreter's libcrypto once; True only if it gives the right answers."""
    if not _load_provider():
        return False
    try:
        return (
            hashlib.new("md_gost12_256", _M1).hexdigest() == _M1_STREEBOG256
            and hashlib.new("md_gost94", _GOST94_VECTOR[0]).hexdigest() == _GOST94_VECTOR[1]
            and hashlib.new("md_gost12_512", _M1).digest() == streebog.streebog512(_M1)
        )
    except ValueError:  # unsupported hash type: the provider loaded but offers no such digest
        return False


def _load_provider() -> bool:
    """``OSSL_PROVIDER_load`` of ``default`` and ``gostprov`` in the library ``_hashlib`` uses."""
    import _hashlib  # the interpreter's OpenSSL binding: the libcrypto to extend

    del _hashlib
    try:
        libcrypto = ctypes.CDLL(ctypes.util.find_library("crypto") or "libcrypto.so.3")
        load = libcrypto.OSSL_PROVIDER_load
    except (OSError, AttributeError):  # no libcrypto, or OpenSSL 1.1 (no providers)
        return False
    load.restype = ctypes.c_void_p
    load.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    # An explicit load switches off the implicit default provider: keep it.
    return bool(load(None, b"default")) and bool(load(None, b"gostprov"))
