"""Our WSDLs (wsdl/) against the real GIS 16.3.0.0 WSDLs, and loaded by zeep.

For each service (``WSDL_PAIRS``: our file, the real one, the operations we serve), every
operation we declare is what a client sees in the real WSDL: target namespace, portType,
binding and service/port names, SOAPAction, input/output/fault messages and their parts, and the
SOAP header (RequestHeader, or ISRequestHeader for nsi-common and org-registry-common). No
other operation is declared, the types come from our ``xsd/``, and zeep loads the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zeep
from lxml import etree

from hub.contract.schemas import default_xsd_dir

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_DIR = default_xsd_dir().parent / "wsdl"
BASE = "http://dom.gosuslugi.ru/schema/integration/base/"


@dataclass(frozen=True)
class WsdlPair:
    ours: str  # file name in wsdl/
    real: str  # relative to the real contract
    types: str  # our types XSD, relative to xsd/
    operations: tuple[str, ...]
    header: str  # the soap:header element of the input

    def __str__(self) -> str:
        return self.ours


WSDL_PAIRS = (
    WsdlPair(
        "hcs-house-management-service-async.wsdl",
        "house-management/hcs-house-management-service-async.wsdl",
        "house-management/hcs-house-management-types.xsd",
        (
            "importHouseUOData",
            "exportHouseData",
            "importAccountData",
            "exportAccountData",
            "importMeteringDeviceData",
            "exportMeteringDeviceData",
            "importSupplyResourceContractData",
            "exportSupplyResourceContractData",
            "getState",
        ),
        "RequestHeader",
    ),
    WsdlPair(
        "hcs-device-metering-service-async.wsdl",
        "device-metering/hcs-device-metering-service-async.wsdl",
        "device-metering/hcs-device-metering-types.xsd",
        ("importMeteringDeviceValues", "exportMeteringDeviceHistory", "getState"),
        "RequestHeader",
    ),
    WsdlPair(
        "hcs-bills-service-async.wsdl",
        "bills/hcs-bills-service-async.wsdl",
        "bills/hcs-bills-types.xsd",
        ("importPaymentDocumentData", "exportPaymentDocumentData", "getState", "getRequestsState"),
        "RequestHeader",
    ),
    WsdlPair(
        "hcs-nsi-common-service-async.wsdl",
        "nsi-common/hcs-nsi-common-service-async.wsdl",
        "nsi-common/hcs-nsi-common-types.xsd",
        ("exportNsiList", "exportNsiItem", "exportNsiPagingItem", "getState"),
        "ISRequestHeader",
    ),
    WsdlPair(
        "hcs-nsi-service-async.wsdl",
        "nsi/hcs-nsi-service-async.wsdl",
        "nsi/hcs-nsi-types.xsd",
        ("importAdditionalServices", "importMunicipalServices", "exportDataProviderNsiItem", "getState"),
        "RequestHeader",
    ),
    WsdlPair(
        "hcs-organizations-registry-common-service-async.wsdl",
        "organizations-registry-common/hcs-organizations-registry-common-service-async.wsdl",
        "organizations-registry-common/hcs-organizations-registry-common-types.xsd",
        ("exportOrgRegistry", "exportDataProvider", "getState"),
        "ISRequestHeader",
    ),
)
OPERATIONS = [(pair, operation) for pair in WSDL_PAIRS for operation in pair.operations]


def _parse(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()


def _wsdl_operation(path: Path, operation: str) -> dict[str, Any]:
    """Everything a client sees of one operation, with QNames resolved."""
    root = _parse(path)

    def resolve(context: etree._Element, qname: str) -> str:
        prefix, _, local = qname.rpartition(":")
        return f"{{{context.nsmap[prefix or None]}}}{local}"

    messages = {
        m.get("name"): [(p.get("name"), resolve(p, p.get("element", ""))) for p in m.findall(f"{{{WSDL}}}part")]
        for m in root.findall(f"{{{WSDL}}}message")
    }
    port_op = root.find(f"{{{WSDL}}}portType/{{{WSDL}}}operation[@name='{operation}']")
    binding_op = root.find(f"{{{WSDL}}}binding/{{{WSDL}}}operation[@name='{operation}']")
    assert port_op is not None and binding_op is not None, operation
    io = {
        etree.QName(c).localname + (c.get("name") or ""): messages[c.get("message", "").split(":")[-1]]
        for c in port_op
        if c.get("message")
    }
    binding = [
        (etree.QName(d).localname, sorted((k, v) for k, v in d.attrib.items() if k != "message"))
        + ((messages[d.get("message", "").split(":")[-1]],) if d.get("message") else ())
        for d in binding_op.iter()
        if isinstance(d.tag, str) and etree.QName(d).localname != "documentation"
    ]
    names = (
        root.get("targetNamespace"),
        root.find(f"{{{WSDL}}}portType").get("name"),  # type: ignore[union-attr]
        root.find(f"{{{WSDL}}}binding").get("name"),  # type: ignore[union-attr]
        [
            (s.get("name"), [p.get("name") for p in s.findall(f"{{{WSDL}}}port")])
            for s in root.findall(f"{{{WSDL}}}service")
        ],
    )
    return {"io": io, "binding": binding, "names": names}


@pytest.mark.shared
@pytest.mark.parametrize(("pair", "operation"), OPERATIONS, ids=str)
def test_wsdl_operation_matches_the_real_one(pair: WsdlPair, operation: str, real_contract: Path) -> None:
    assert _wsdl_operation(WSDL_DIR / pair.ours, operation) == _wsdl_operation(real_contract / pair.real, operation)


def test_every_wsdl_we_have_is_compared() -> None:
    assert {p.name for p in WSDL_DIR.glob("*.wsdl")} == {p.ours for p in WSDL_PAIRS}


@pytest.mark.parametrize("pair", WSDL_PAIRS, ids=str)
def test_wsdl_serves_only_our_operations_with_our_types(pair: WsdlPair) -> None:
    root = _parse(WSDL_DIR / pair.ours)
    assert [o.get("name") for o in root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")] == list(pair.operations)
    imports = [i.get("schemaLocation") for i in root.iter("{http://www.w3.org/2001/XMLSchema}import")]
    assert imports == [f"../xsd/{pair.types}", "../xsd/lib/hcs-base.xsd"]


@pytest.mark.parametrize("pair", WSDL_PAIRS, ids=str)
def test_wsdl_loads_in_zeep_with_the_operations_and_headers_of_gis(pair: WsdlPair) -> None:
    settings = zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True)
    client = zeep.Client(str(WSDL_DIR / pair.ours), settings=settings)  # type: ignore[no-untyped-call]
    operations = client.service._binding._operations
    assert list(operations) == list(pair.operations)
    for name, operation in operations.items():
        assert operation.soapaction == f"urn:{name}"
        headers = [el.qname for _, el in operation.input.header.type.elements]
        assert headers == [etree.QName(BASE, pair.header)]
        assert [el.qname for _, el in operation.output.header.type.elements] == [etree.QName(BASE, "ResultHeader")]
        output = operation.output.body.qname
        if name == "getState":
            assert output.localname == "getStateResult" and output.namespace != BASE
        elif name == "getRequestsState":
            assert output == etree.QName(BASE, "getRequestsStateResult")
        else:
            assert output == etree.QName(BASE, "AckRequest")
