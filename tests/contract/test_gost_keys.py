"""GOST R 34.10-2012 keys, signatures and certificates: the arithmetic, the DER, the test CA."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from gostcrypto import gostsignature
from gostcrypto.gostsignature.gost_34_10_2012 import CURVES_R_1323565_1_024_2019
from lxml import etree

from hub import ns
from hub.contract import pki
from hub.contract.gost import der, gost3410, issuing
from hub.contract.gost.certificate import is_gost_key, read_certificate
from hub.contract.gost.gost3410 import Curve

# RFC 7091 Appendix A.1 (= GOST R 34.10-2012 Appendix A, example 1): the test curve, key, nonce,
# digest value e, and the signature (r, s).
RFC7091 = Curve(
    "rfc7091-test",
    p=57896044618658097711785492504343953926634992332820282019728792003956564821041,
    a=7,
    b=43308876546767276905765904595650931995942111794451039583252968842033849580414,
    q=57896044618658097711785492504343953927082934583725450622380973592137631069619,
    x=2,
    y=4018974056539037503335449422937059775635739389905545080690979365213431566280,
)
RFC7091_D = 55441196065363246126355624130324183196576709222340016572108097750006097525544
RFC7091_K = 53854137677348463731403841147996619241504003434302020712960838528893196233395
RFC7091_E = 20798893674476452017134061561508270130637142515379653289952617252661468872421
RFC7091_Q = (
    57520216126176808443631405023338071176630104906313632182896741342206604859403,
    17614944419213781543809391949654080031942662045363639260709847859438286763994,
)
RFC7091_R = 29700980915817952874371204983938256990422752107994319651632687982059210933395
RFC7091_S = 574973400270084654178925310019147038455227042649098563933718999175515839552


def test_signing_reproduces_the_rfc_7091_example() -> None:
    digest = RFC7091_E.to_bytes(32, "little")  # e < q, so the digest read little-endian is e
    assert gost3410.public_key(RFC7091, RFC7091_D) == RFC7091_Q
    signature = gost3410.sign(RFC7091, RFC7091_D, digest, k=RFC7091_K)
    assert signature == RFC7091_S.to_bytes(32, "big") + RFC7091_R.to_bytes(32, "big")
    assert gost3410.verify(RFC7091, RFC7091_Q, digest, signature)


CURVES = [
    ("CryptoPro-A", gost3410.CRYPTOPRO_A, "id-tc26-gost-3410-2012-256-paramSetB"),
    ("tc26-256-A", gost3410.TC26_256_A, "id-tc26-gost-3410-2012-256-paramSetA"),
    ("tc26-512-A", gost3410.TC26_512_A, "id-tc26-gost-3410-12-512-paramSetA"),
    ("tc26-512-C", gost3410.TC26_512_C, "id-tc26-gost-3410-2012-512-paramSetC"),
]


@pytest.mark.parametrize(("label", "curve", "tc26_name"), CURVES, ids=[c[0] for c in CURVES])
def test_signatures_verify_here_and_in_gostcrypto_both_ways(label: str, curve: Curve, tc26_name: str) -> None:
    """gostcrypto wants r‖s and big-endian digests and keys: the conventions are converted here."""
    size = curve.size
    private = gost3410.generate_private_key(curve)
    point = gost3410.public_key(curve, private)
    digest = os.urandom(size)
    signature = gost3410.sign(curve, private, digest)
    assert gost3410.verify(curve, point, digest, signature)

    other = gostsignature.new(
        gostsignature.MODE_512 if size == 64 else gostsignature.MODE_256, CURVES_R_1323565_1_024_2019[tc26_name]
    )
    public_be = point[0].to_bytes(size, "big") + point[1].to_bytes(size, "big")
    assert bytes(other.public_key_generate(bytearray(private.to_bytes(size, "big")))) == public_be
    assert other.verify(bytearray(public_be), bytearray(digest[::-1]), bytearray(signature[size:] + signature[:size]))
    theirs = bytes(other.sign(bytearray(private.to_bytes(size, "big")), bytearray(digest[::-1])))
    assert gost3410.verify(curve, point, digest, theirs[size:] + theirs[:size])


def test_a_changed_digest_signature_or_key_does_not_verify() -> None:
    curve = gost3410.CRYPTOPRO_A
    private = gost3410.generate_private_key(curve)
    point = gost3410.public_key(curve, private)
    digest = os.urandom(32)
    signature = gost3410.sign(curve, private, digest)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not gost3410.verify(curve, point, bytes([digest[0] ^ 1]) + digest[1:], signature)
    assert not gost3410.verify(curve, point, digest, flipped)
    assert not gost3410.verify(curve, gost3410.public_key(curve, private + 1), digest, signature)
    assert not gost3410.verify(curve, point, digest, signature[:63])
    assert not gost3410.verify(curve, point, digest, bytes(32) + signature[32:])  # s = 0
    assert not gost3410.verify(curve, (point[0], point[1] + 1), digest, signature)  # not on the curve


def test_public_keys_round_trip_little_endian_and_off_curve_points_are_refused() -> None:
    curve = gost3410.CRYPTOPRO_A
    point = gost3410.public_key(curve, 12345)
    raw = gost3410.encode_public_key(curve, point)
    assert raw[:32] == point[0].to_bytes(32, "little")
    assert gost3410.decode_public_key(curve, raw) == point
    with pytest.raises(ValueError, match="not a point"):
        gost3410.decode_public_key(curve, raw[:32] + bytes(32))
    with pytest.raises(ValueError, match="64 bytes"):
        gost3410.decode_public_key(curve, raw[:40])


@pytest.mark.parametrize("dotted", ["1.2.643.7.1.1.1.1", "1.2.643.2.2.36.0", "2.5.29.19", "1.2.840.113549.1.1.11"])
def test_der_object_identifiers_round_trip(dotted: str) -> None:
    assert der.read(der.oid(dotted)).oid() == dotted


@pytest.mark.parametrize("value", [0, 1, 127, 128, 255, 256, 2**120 + 1])
def test_der_integers_and_long_lengths_are_encoded_as_der(value: int) -> None:
    encoded = der.integer(value)
    assert int.from_bytes(der.read(encoded).content, "big", signed=True) == value
    long = der.octet_string(b"x" * 300)
    assert long[:4] == b"\x04\x82\x01\x2c"
    assert der.read(long).content == b"x" * 300


@pytest.mark.parametrize("broken", [b"", b"\x30", b"\x30\x05\x02\x01", b"\x02\x01\x01\x00", b"\x1f\x01\x00"])
def test_der_reader_refuses_truncated_or_trailing_or_unsupported_input(broken: bytes) -> None:
    with pytest.raises(ValueError, match="DER"):
        der.read(broken)


def _sample_certificate(gis_samples: Path, name: str) -> bytes:
    tree = etree.parse(str(gis_samples / name))
    node = tree.find(f".//{{{ns.DS}}}X509Certificate")
    assert node is not None and node.text
    return base64.b64decode("".join(node.text.split()))


@pytest.mark.shared
def test_real_certificates_are_read(gis_samples: Path) -> None:
    client = read_certificate(
        _sample_certificate(gis_samples, "hcsclientapi_debt-requests_importDSRResponses_request_signed_2.xml")
    )
    assert client.curve is gost3410.CRYPTOPRO_A
    assert client.curve_oid == "1.2.643.2.2.36.0"
    assert client.digest_oid == "1.2.643.7.1.1.2.2"
    assert client.fingerprint == pki.fingerprint(client.certificate)
    assert client.not_valid_after == dt.datetime(2022, 12, 27, 11, 25, 38, tzinfo=dt.UTC)
    assert is_gost_key(client.certificate)
    gis = read_certificate(
        _sample_certificate(
            gis_samples, "hcsclientapi_debt-requests_getState_response_signed-by-GIS_importResult-state3.xml"
        )
    )
    assert gis.subject == "CN=li-key"
    assert gis.serial_number == 2765294165971467482637494141645118325813226776
    assert gis.signature_algorithm == "1.2.643.7.1.1.3.2"


def test_an_rsa_certificate_is_not_a_gost_one() -> None:
    rsa = pki.create_ca("RSA CA")
    assert not is_gost_key(rsa.certificate)
    with pytest.raises(ValueError, match="not GOST"):
        read_certificate(rsa.certificate.public_bytes(pki.serialization.Encoding.DER))


def test_the_test_ca_issues_chains_that_verify() -> None:
    ca = issuing.create_ca("Тестовый УЦ ГОСТ")
    leaf = issuing.issue_certificate(ca, common_name="Подписант", organization="ООО «Тест»")
    wide = issuing.issue_certificate(ca, common_name="512", curve=gost3410.TC26_512_A, curve_oid="1.2.643.7.1.2.1.2.1")
    assert ca.certificate.signed_by(ca.certificate)
    assert leaf.certificate.signed_by(ca.certificate)
    assert wide.certificate.signed_by(ca.certificate)
    assert not leaf.certificate.signed_by(leaf.certificate)
    assert leaf.certificate.issuer == ca.certificate.subject
    assert leaf.certificate.curve_oid == "1.2.643.2.2.36.0"
    assert gost3410.public_key(leaf.curve, leaf.private_key) == leaf.certificate.public_key


def test_issued_validity_window_is_the_one_asked_for() -> None:
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    identity = issuing.issue_certificate(
        None, common_name="x", not_before=start, not_after=start + dt.timedelta(days=2)
    )
    assert identity.certificate.not_valid_before == start
    assert not identity.certificate.valid_at(start + dt.timedelta(days=3))


def _openssl_has_gost_engine() -> bool:
    if shutil.which("openssl") is None:
        return False
    result = subprocess.run(["openssl", "engine", "gost"], capture_output=True, text=True, check=False)
    return result.returncode == 0


@pytest.mark.skipif(not _openssl_has_gost_engine(), reason="openssl with the gost engine is not installed")
def test_openssl_with_the_gost_engine_accepts_the_test_ca_chain(tmp_path: Path) -> None:
    """An independent check of the DER, the key encoding and the s‖r / little-endian conventions."""
    ca = issuing.create_ca("CA")
    leaves = [
        issuing.issue_certificate(ca, common_name="leaf"),
        issuing.issue_certificate(ca, common_name="512", curve=gost3410.TC26_512_C, curve_oid="1.2.643.7.1.2.1.2.3"),
    ]
    paths = []
    for name, identity in [("ca", ca), ("leaf", leaves[0]), ("wide", leaves[1])]:
        path = tmp_path / f"{name}.pem"
        path.write_text(
            "-----BEGIN CERTIFICATE-----\n"
            + base64.encodebytes(identity.certificate.der).decode()
            + "-----END CERTIFICATE-----\n"
        )
        paths.append(str(path))
    result = subprocess.run(
        ["openssl", "verify", "-engine", "gost", "-CAfile", paths[0], paths[1], paths[2]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{paths[1]}: OK" in result.stdout and f"{paths[2]}: OK" in result.stdout
