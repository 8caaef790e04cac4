"""Real importHouseUORequest messages captured from GIS clients, re-signed with a test key.

From each sample: the Body's importHouseUORequest without its GOST ``ds:Signature``, an ``Id``
where it had none, whitespace an IDE put inside values trimmed, ``base:version`` 13.2.3.2 (the
samples are 10.0.1.1/11.0.0.1, which GIS no longer accepts), then a fresh header and our
XAdES signature. The creation is applied and exported back; the update is applied to a house
created first with the sample's FIAS GUID.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from hub import ns
from testkit.houses import HouseShape, import_house_uo_apartment
from tests.e2e.harness import HubUnderTest
from tests.houses.test_e2e import export, import_house
from tests.real_contract import assert_valid_under_real_xsd

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE
CREATION = "greengrass_house-management_importHouseUOData_request_unsigned_v11.0.0.1_2016-12-29.xml"
UPDATE = "greengrass_house-management_importHouseUOData_request_signed_v10.0.1.1_c.xml"


def sample_request(path: Path, real_contract: Path) -> etree._Element:
    """The sample's request, cleaned as the module docstring says, valid under the real XSD."""
    envelope = etree.parse(str(path), etree.XMLParser(remove_blank_text=True, resolve_entities=False)).getroot()
    body = envelope.find(f"{{{ns.SOAP_ENV}}}Body")
    assert body is not None
    request = body.find(f"{{{HM}}}importHouseUORequest")
    assert request is not None
    for signature in request.findall(f"{{{ns.DS}}}Signature"):
        request.remove(signature)
    for el in request.iter():
        if isinstance(el.tag, str) and len(el) == 0 and el.text is not None:
            el.text = el.text.strip()
    request.set("Id", request.get("Id") or "signed-data-container")
    request.set(f"{{{BASE}}}version", "13.2.3.2")
    clean = etree.fromstring(etree.tostring(request))
    etree.cleanup_namespaces(clean)
    assert_valid_under_real_xsd(clean, real_contract)
    return clean


def test_captured_creation_is_applied_and_exported_back(
    hut: HubUnderTest, gis_samples: Path, real_contract: Path
) -> None:
    request = sample_request(gis_samples / CREATION, real_contract)
    fias = "bdc2d006-7f83-4ab2-be27-30ae0b725ade"
    results = import_house(hut, request, real_contract)
    assert [(r.ok, r.guid) for r in results] == [(True, fias)]
    exported = export(hut, fias, real_contract, "13.2.3.2", org="b")
    basic = exported.find(f".//{{{HM}}}BasicCharacteristicts")
    assert basic is not None
    values = {etree.QName(el).localname: (el.text or "").strip() for el in basic if len(el) == 0}
    assert values == {
        "No_RSO_GKN_EGRP_Registered": "true",
        "FIASHouseGuid": fias,
        "TotalSquare": "1000.0",
        "UsedYear": "1977",
        "FloorCount": "10",
        "CulturalHeritage": "false",
    }
    assert basic.findtext(f"{{{HM}}}State/{{{ns.NSI_BASE}}}Code") == "2"
    assert basic.findtext(f"{{{HM}}}OKTMO/{{{BASE}}}code") == "32607441101"
    assert basic.findtext(f"{{{HM}}}OlsonTZ/{{{ns.NSI_BASE}}}GUID") == "8538e485-b925-4aa7-923f-3b6755e27d4b"
    assert exported.findtext(f".//{{{HM}}}UndergroundFloorCount") == "0"


def test_captured_update_is_applied_to_the_house_with_its_fias_guid(
    hut: HubUnderTest, gis_samples: Path, real_contract: Path
) -> None:
    fias = "810321c3-f0b4-454a-9a1c-cad82adebd58"
    create = import_house_uo_apartment(
        shape=HouseShape(entrances=1, premises_per_entrance=1, non_residential=0, lifts=0), seed="sample-update"
    )
    for el in create.iter(f"{{{HM}}}FIASHouseGuid", f"{{{HM}}}FIASChildHouseGuid"):
        el.text = fias
    assert all(r.ok for r in import_house(hut, create, real_contract))
    results = import_house(hut, sample_request(gis_samples / UPDATE, real_contract), real_contract)
    assert [(r.ok, r.guid, r.transport_guid) for r in results] == [(True, fias, "8b8d5b37-c236-40e1-960d-126d39395b5e")]
    exported = export(hut, fias, real_contract)
    assert exported.findtext(f".//{{{HM}}}TotalSquare") == "7777.0"
    assert exported.findtext(f".//{{{HM}}}UsedYear") == "1974"
    assert exported.findtext(f".//{{{HM}}}FloorCount") == "10"
    basic = exported.find(f".//{{{HM}}}BasicCharacteristicts")
    assert basic is not None and basic.findtext(f"{{{HM}}}CadastralNumber") is None
    assert basic.findtext(f"{{{HM}}}No_RSO_GKN_EGRP_Registered") == "true"
    assert len(list(exported.iter(f"{{{HM}}}ResidentialPremises"))) == 1  # the update did not touch premises
