"""(Re)generate the request samples in samples/requests/ for the demo organization.

    python samples/make_samples.py                                  # all samples
    python samples/make_samples.py --premises-from house-result.xml # accounts on real PremisesGUIDs
    python samples/make_samples.py --devices-from device-result.xml # readings of the imported devices
    python samples/make_samples.py --accounts-from account-result.xml # payment documents of the accounts

The samples are Body elements only, unsigned: ``hub send`` adds the header and signs them with
the key you give it (GIS signs the Body element; the header is never signed). They describe one
small demo apartment house (МКД) of «ООО «Демо УК»» (``hub.demo``): a fixed FIAS GUID,
1 entrance, 3 apartments, 1 non-residential premises, 1 lift, and 3 personal accounts on it.

GUIDs of premises are assigned by the hub when the house is imported, so a first
``import-account.xml`` places the accounts by the house's FIAS GUID (``Accommodation/FIASHouseGuid``,
valid under the XSD). After importing the house, save its result (``hub send … --save
house-result.xml``) and rerun with ``--premises-from``: each account is then placed in its
apartment by the ``PremisesGUID`` the hub returned for that apartment's TransportGUID.

Identifiers are deterministic (UUID5 of a label), so regenerating gives the same files.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hub import ns  # noqa: E402

OUT = REPO / "samples" / "requests"
HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
NSI = ns.NSI_BASE
NSI_COMMON = ns.NSI_COMMON
NSI_OWN = ns.NSI
RO = ns.ORG_REGISTRY_COMMON
ORG = ns.ORGANIZATIONS_BASE
#: ОГРН of «ООО «Демо УК»» (hub.demo)
DEMO_ORG_OGRN = "1027700000001"
ACC = ns.ACCOUNT_BASE
IND = ns.INDIVIDUAL_REGISTRY_BASE
NSMAP = {"hm": HM, "base": BASE, "nsi-base": NSI, "account-base": ACC, "individual-registry-base": IND}

#: The demo house's FIAS GUID (fixed: the export samples ask for this house).
DEMO_HOUSE_FIAS = "1d7a2c5e-8f4b-4c3d-9e2a-00000000f1a5"
APARTMENTS = 3
PAYERS = (("Иванов", "Иван", "Иванович", "M"), ("Петрова", "Анна", "Сергеевна", "F"), ("Сидоров", "Пётр", None, "M"))


def guid(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "zhkh-hub-demo:" + label))


def premises_transport_guid(number: int) -> str:
    """TransportGUID of apartment ``number`` in import-house-uo.xml (how results are matched)."""
    return guid(f"premises:{number}")


def sub(parent: etree._Element, namespace: str, local: str, text: object = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{namespace}}}{local}")
    if text is not None:
        child.text = str(text).lower() if isinstance(text, bool) else str(text)
    return child


def root(local: str, version: str) -> etree._Element:
    element = etree.Element(f"{{{HM}}}{local}", nsmap=NSMAP)
    element.set(f"{{{BASE}}}version", version)
    return element


def nsi_ref(parent: etree._Element, local: str, code: str, name: str, registry: int) -> None:
    ref = sub(parent, HM, local)
    sub(ref, NSI, "Code", code)
    sub(ref, NSI, "GUID", guid(f"nsi:{registry}:{code}"))
    sub(ref, NSI, "Name", name)


def export_house() -> etree._Element:
    request = root("exportHouseRequest", "15.10.0.0")
    sub(request, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
    return request


def import_house_uo() -> etree._Element:
    """One МКД: 1 entrance, 3 apartments, 1 non-residential premises, 1 lift."""
    request = root("importHouseUORequest", "13.2.3.2")
    house = sub(request, HM, "ApartmentHouse")
    create = sub(house, HM, "ApartmentHouseToCreate")
    basic = sub(create, HM, "BasicCharacteristicts")
    sub(basic, HM, "CadastralNumber", "77:01:0001001:1001")
    sub(basic, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
    sub(basic, HM, "TotalSquare", "1250.5000")
    nsi_ref(basic, "State", "2", "Исправный", 24)
    nsi_ref(basic, "LifeCycleStage", "1", "Эксплуатация", 338)
    sub(basic, HM, "UsedYear", 1977)
    sub(basic, HM, "FloorCount", 5)
    oktmo = sub(basic, HM, "OKTMO")
    sub(oktmo, BASE, "code", "45380000000")
    sub(oktmo, BASE, "name", "муниципальный округ Пресненский")
    nsi_ref(basic, "OlsonTZ", "2", "Europe/Moscow", 32)
    sub(basic, HM, "CulturalHeritage", False)
    sub(basic, HM, "IsMunicipalProperty", False)
    sub(basic, HM, "IsRegionProperty", False)
    sub(create, HM, "UndergroundFloorCount", 1)
    sub(create, HM, "MinFloorCount", 5)
    sub(create, BASE, "TransportGUID", guid("house"))

    shop = sub(house, HM, "NonResidentialPremiseToCreate")
    sub(shop, HM, "CadastralNumber", "77:01:0001001:2100")
    sub(shop, HM, "PremisesNum", "Н1")
    sub(shop, HM, "TotalArea", "54.3")
    sub(shop, HM, "IsCommonProperty", False)
    sub(shop, BASE, "TransportGUID", guid("non-residential:1"))

    entrance = sub(house, HM, "EntranceToCreate")
    sub(entrance, HM, "EntranceNum", 1)
    sub(entrance, HM, "StoreysCount", 5)
    sub(entrance, HM, "CreationYear", 1977)
    sub(entrance, BASE, "TransportGUID", guid("entrance:1"))

    for number in range(1, APARTMENTS + 1):
        premises = sub(house, HM, "ResidentialPremises")
        apartment = sub(premises, HM, "ResidentialPremisesToCreate")
        sub(apartment, HM, "CadastralNumber", f"77:01:0001001:{2000 + number}")
        sub(apartment, HM, "PremisesNum", number)
        sub(apartment, HM, "EntranceNum", 1)
        nsi_ref(apartment, "PremisesCharacteristic", "1", "Отдельная квартира", 30)
        sub(apartment, HM, "TotalArea", f"{40 + 10 * number}.5")
        sub(apartment, HM, "GrossArea", f"{25 + 8 * number}.0")
        sub(apartment, BASE, "TransportGUID", premises_transport_guid(number))

    lift = sub(house, HM, "LiftToCreate")
    sub(lift, HM, "EntranceNum", 1)
    sub(lift, HM, "FactoryNum", "ЛП-00001")
    nsi_ref(lift, "Type", "1", "Пассажирский", 192)
    sub(lift, BASE, "TransportGUID", guid("lift:1"))
    return request


def import_account(premises_guids: dict[int, str] | None = None) -> etree._Element:
    """Three УО accounts, one per apartment (by PremisesGUID when known, else by the house)."""
    request = root("importAccountRequest", "10.0.1.1")
    for number in range(1, APARTMENTS + 1):
        account = sub(request, HM, "Account")
        sub(account, HM, "isUOAccount", True)
        sub(account, HM, "CreationDate", "2026-01-01T00:00:00")
        sub(account, HM, "LivingPersonsNumber", number)
        sub(account, HM, "TotalSquare", f"{40 + 10 * number}.5")
        accommodation = sub(account, HM, "Accommodation")
        if premises_guids:
            sub(accommodation, HM, "PremisesGUID", premises_guids[number])
            sub(accommodation, HM, "SharePercent", "100")
        else:
            # Three payers of one house: no SharePercent (a share would count against the
            # house's 100 % for all three accounts together).
            sub(accommodation, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
        payer = sub(account, HM, "PayerInfo")
        surname, first_name, patronymic, sex = PAYERS[number - 1]
        ind = sub(payer, HM, "Ind")
        sub(ind, IND, "Surname", surname)
        sub(ind, IND, "FirstName", first_name)
        if patronymic:
            sub(ind, IND, "Patronymic", patronymic)
        sub(ind, HM, "Sex", sex)
        sub(ind, IND, "SNILS", f"{11223344500 + number:011d}")
        sub(account, BASE, "TransportGUID", guid(f"account:{number}"))
        sub(account, ACC, "AccountNumber", f"ДЕМО-{number:04d}")
    return request


def export_account() -> etree._Element:
    request = root("exportAccountRequest", "10.0.1.1")
    sub(request, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
    return request


def nsi_common(local: str, registry: int | None = None, page: int | None = None) -> etree._Element:
    """An NsiCommonAsync request (10.0.1.2): the common books, NSI group."""
    request = etree.Element(f"{{{NSI_COMMON}}}{local}", nsmap={"nsi-common": NSI_COMMON, "base": BASE, "nsi-base": NSI})
    request.set(f"{{{BASE}}}version", "10.0.1.2")
    if registry is not None:
        sub(request, NSI_COMMON, "RegistryNumber", registry)
    sub(request, NSI, "ListGroup", "NSI")
    if page is not None:
        sub(request, NSI_COMMON, "Page", page)
    return request


def export_org_registry() -> etree._Element:
    """exportOrgRegistryRequest 10.0.2.1: the demo organization by its ОГРН."""
    request = etree.Element(f"{{{RO}}}exportOrgRegistryRequest", nsmap={"ro": RO, "base": BASE, "org": ORG})
    request.set(f"{{{BASE}}}version", "10.0.2.1")
    criteria = sub(request, RO, "SearchCriteria")
    sub(criteria, ORG, "OGRN", DEMO_ORG_OGRN)
    return request


def _supply_subject(parent: etree._Element, service: str, resource: str) -> etree._Element:
    """A ContractSubject: NSI 3 service and NSI 239 tariffed resource."""
    subject = sub(parent, HM, "ContractSubject")
    nsi_ref(subject, "ServiceType", service, "Вид коммунальной услуги", 3)
    nsi_ref(subject, "MunicipalResource", resource, "Тарифицируемый ресурс", 239)
    return subject


def import_supply_resource_contract() -> etree._Element:
    """importSupplyResourceContractRequest 11.3.0.5: a РСО's contract for the demo house — hot
    water (NSI 239 code 3) and heat (code 4) from 2024-01-01, indefinite, a public offer."""
    request = root("importSupplyResourceContractRequest", "11.3.0.5")
    contract = sub(request, HM, "Contract")
    sub(contract, BASE, "TransportGUID", guid("supply:contract"))
    body = sub(contract, HM, "SupplyResourceContract")
    head = sub(body, HM, "IsContract")
    sub(head, HM, "ContractNumber", "ДРСО-2024/17")
    sub(head, HM, "SigningDate", "2023-12-20")
    sub(head, HM, "EffectiveDate", "2024-01-01")
    attachment = sub(head, HM, "ContractAttachment")
    sub(attachment, BASE, "Name", "Договор.pdf")
    sub(attachment, BASE, "Description", "Скан договора")
    sub(sub(attachment, BASE, "Attachment"), BASE, "AttachmentGUID", guid("supply:attachment"))
    sub(attachment, BASE, "AttachmentHASH", "0" * 64)
    sub(body, HM, "IndefiniteTerm", True)
    sub(body, HM, "Offer", True)
    sub(body, HM, "IsPlannedVolume", False)
    subjects = (("2", "3", "supply:subject:hot-water"), ("4", "4", "supply:subject:heat"))
    for service, resource, label in subjects:
        subject = _supply_subject(body, service, resource)
        sub(subject, HM, "StartSupplyDate", "2024-01-01")
        sub(subject, BASE, "TransportGUID", guid(label))
    sub(body, HM, "SpecifyingQualityIndicators", "D")
    address = sub(body, HM, "ObjectAddress")
    sub(address, HM, "HouseType", "MKD")
    sub(address, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
    sub(address, BASE, "TransportGUID", guid("supply:object"))
    for _service, _resource, label in subjects:
        pair = sub(address, HM, "Pair")
        sub(pair, HM, "PairKey", guid(label))
        sub(pair, HM, "StartSupplyDate", "2024-01-01")
    return request


def export_supply_resource_contract() -> etree._Element:
    """exportSupplyResourceContractRequest 13.1.1.1: the sender's hot-water contracts of the demo house."""
    request = root("exportSupplyResourceContractRequest", "13.1.1.1")
    sub(request, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
    _supply_subject(request, "2", "3")
    return request


def import_metering_device_values() -> etree._Element:
    """importMeteringDeviceValuesRequest 10.0.1.1: November readings of four demo devices, one of
    each value kind (cold and hot water one-rate, with a control reading; a two-tariff electric
    meter; a heat meter reporting volumes). The devices' GUIDs are placeholders: put the root
    GUIDs the hub gave your devices (importMeteringDeviceData) in their place."""
    from testkit.readings import ELECTRIC, VOLUME, Dev, Val, import_values

    return import_values(
        [
            Dev(guid("device:cold-water"), values=(Val(("123.456",), "1", "2026-11-20", (2026, 11)),)),
            Dev(
                guid("device:hot-water"),
                values=(Val(("45.1",), "2", "2026-11-20"), Val(("45.1",), "2", "2026-11-20", control=True)),
            ),
            Dev(guid("device:electricity"), kind=ELECTRIC, values=(Val(("5000.1", "2500"), "3", "2026-11-20"),)),
            Dev(guid("device:heat"), kind=VOLUME, values=(Val(("1.25",), "5", "2026-11-20", (2026, 11)),)),
        ],
        house=DEMO_HOUSE_FIAS,
        seed="demo-readings",
        signed_id=None,
    )


def export_metering_device_history() -> etree._Element:
    """exportMeteringDeviceHistoryRequest: the demo house's water, electricity and heat meters
    (NSI 2 codes 1, 2, 3, 5; the contract wants a device filter beside the house) and their
    November readings."""
    from testkit.readings import export_history

    return export_history(
        houses=[DEMO_HOUSE_FIAS],
        resources=["1", "2", "3", "5"],
        date_from="2026-11-01",
        date_to="2026-11-30",
        signed_id=None,
    )


def import_payment_document(accounts: dict[int, str] | None = None) -> etree._Element:
    """importPaymentDocumentRequest 11.2.0.16: November documents of the three demo accounts —
    maintenance (NSI 50 code 1) and cold water (the demo organization's NSI 51 code 1, after
    import-municipal-services.xml). Without ``accounts`` the AccountGuids are placeholders (the
    accounts' TransportGUIDs): ``--accounts-from`` puts the GUIDs the hub gave them."""
    from testkit.bills import HOUSING, UTILITY, Doc, Svc, import_documents

    docs = [
        Doc(
            (accounts or {}).get(apartment) or guid(f"account:{apartment}"),
            (
                Svc(HOUSING, "1", "25.50", "1275.00"),
                Svc(UTILITY, "1", "42.30", "423.00", recalculation="-12.50", discount="10.00", volume="10"),
            ),
            number=f"11-{apartment}",
            debt="100.00",
        )
        for apartment in range(1, APARTMENTS + 1)
    ]
    return import_documents(docs, 2026, 11, seed="demo-bills", signed_id=None)


def accounts_from_result(path: Path) -> dict[int, str]:
    """Account number in import-account.xml → the AccountGUID the hub gave it, from a saved
    getState response of that import."""
    transports = {n: guid(f"account:{n}") for n in range(1, APARTMENTS + 1)}
    return guids_from_result(path, transports, "AccountGUID of account(s)")


def export_payment_document() -> etree._Element:
    """exportPaymentDocumentRequest 13.1.0.1: the November documents of the demo house's
    accounts 1 and 2 (by account number and the house's FIAS GUID)."""
    from testkit.bills import export_documents

    return export_documents(
        period=(2026, 11), house=DEMO_HOUSE_FIAS, account_numbers=["ДЕМО-0001", "ДЕМО-0002"], signed_id=None
    )


def export_data_provider() -> etree._Element:
    """exportDataProviderRequest 10.0.2.1: the data providers in force of the calling system."""
    request = etree.Element(f"{{{RO}}}exportDataProviderRequest", nsmap={"ro": RO, "base": BASE})
    request.set(f"{{{BASE}}}version", "10.0.2.1")
    sub(request, RO, "IsActual", True)
    return request


def nsi_request(local: str, version: str) -> etree._Element:
    """An NsiAsync request (RequestHeader): the demo organization's own books."""
    request = etree.Element(f"{{{NSI_OWN}}}{local}", nsmap={"nsi": NSI_OWN, "base": BASE, "nsi-base": NSI})
    request.set(f"{{{BASE}}}version", version)
    return request


def nsi_own_ref(parent: etree._Element, local: str, registry: int, code: str) -> None:
    ref = sub(parent, NSI_OWN, local)
    sub(ref, NSI, "Code", code)
    sub(ref, NSI, "GUID", guid(f"nsi:{registry}:{code}"))


def import_additional_services() -> etree._Element:
    """importAdditionalServicesRequest 10.0.1.2: two additional services (NSI 1) of the demo organization."""
    request = nsi_request("importAdditionalServicesRequest", "10.0.1.2")
    for label, name, okei in (("intercom", "Обслуживание домофона", "796"), ("concierge", "Услуги консьержа", "362")):
        item = sub(request, NSI_OWN, "ImportAdditionalServiceType")
        sub(item, BASE, "TransportGUID", guid(f"nsi1:{label}"))
        sub(item, NSI_OWN, "AdditionalServiceTypeName", name)
        sub(item, BASE, "OKEI", okei)
    return request


def import_municipal_services() -> etree._Element:
    """importMunicipalServicesRequest 11.0.0.4: cold water and heating (NSI 51; NSI 3 and NSI 2 codes)."""
    request = nsi_request("importMunicipalServicesRequest", "11.0.0.4")
    for label, name, service, resource, order in (
        ("cold-water", "Холодное водоснабжение", "1", "1", "1"),
        ("heating", "Отопление", "6", "5", "2"),
    ):
        item = sub(request, NSI_OWN, "ImportMainMunicipalService")
        sub(item, BASE, "TransportGUID", guid(f"nsi51:{label}"))
        nsi_own_ref(item, "MunicipalServiceRef", 3, service)
        sub(item, NSI_OWN, "MainMunicipalServiceName", name)
        nsi_own_ref(item, "MunicipalResourceRef", 2, resource)
        sub(item, NSI_OWN, "SortOrder", order)
    return request


def export_data_provider_nsi_item() -> etree._Element:
    """exportDataProviderNsiItemRequest 10.0.1.2: the demo organization's NSI 1."""
    request = nsi_request("exportDataProviderNsiItemRequest", "10.0.1.2")
    sub(request, NSI_OWN, "RegistryNumber", 1)
    return request


def guids_from_result(
    path: Path, transports: dict[int, str], what: str, *, element: str = f"{{{BASE}}}GUID"
) -> dict[int, str]:
    """Number → the GUID the hub returned for the object whose TransportGUID is
    ``transports[number]``, from a saved getState response (``hub send … --save``)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    by_transport = {
        (c.findtext(f"{{{BASE}}}TransportGUID") or "").strip(): "".join(e.text or "" for e in c.iter(element)).strip()
        for c in tree.iter("{*}CommonResult")
    }
    found = {n: by_transport.get(transport, "") for n, transport in transports.items()}
    missing = [n for n, value in found.items() if not value]
    if missing:
        raise SystemExit(f"{path}: no {what} for {missing} (was the request before it sent?)")
    return found


def premises_from_result(path: Path) -> dict[int, str]:
    """Apartment number → PremisesGUID, from a saved getState response of import-house-uo.xml."""
    return guids_from_result(
        path, {n: premises_transport_guid(n) for n in range(1, APARTMENTS + 1)}, "PremisesGUID of apartment(s)"
    )


MD = "http://dom.gosuslugi.ru/schema/integration/metering-device-base/"


def import_metering_device() -> etree._Element:
    """Two collective devices (ОДПУ) of the demo house: heat, and electricity with two tariffs.

    Collective devices are placed by the house's FIAS GUID, so the sample works right after
    import-house-uo.xml (devices in premises need the PremiseGUIDs the hub assigns).
    """
    request = root("importMeteringDeviceDataRequest", "11.1.0.8")
    for number, electric in ((1, False), (2, True)):
        device = sub(request, HM, "MeteringDevice")
        sub(device, BASE, "TransportGUID", guid(f"metering-device:{number}"))
        full = sub(device, HM, "DeviceDataToCreate")
        basic = sub(full, HM, "BasicChatacteristicts")
        sub(basic, HM, "MeteringDeviceNumber", f"ДЕМО-ОДПУ-{number:03d}")
        sub(basic, HM, "MeteringDeviceStamp", "Меркурий" if electric else "ВКТ")
        sub(basic, HM, "MeteringDeviceModel", "234 ARTM" if electric else "ВКТ-7")
        sub(basic, HM, "InstallationDate", "2025-12-20")
        sub(basic, HM, "CommissioningDate", "2026-01-01")
        sub(basic, HM, "RemoteMeteringMode", False)
        sub(basic, HM, "FirstVerificationDate", "2025-12-01")
        nsi_ref(basic, "VerificationInterval", "16" if electric else "4", "Межповерочный интервал", 16)
        sub(basic, HM, "TemperatureSensor", not electric)
        sub(basic, HM, "PressureSensor", False)
        collective = sub(basic, HM, "CollectiveDevice")
        sub(collective, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
        sub(full, HM, "NotLinkedWithMetering", True)
        if electric:
            energy = sub(full, HM, "MunicipalResourceEnergy")
            sub(energy, MD, "MeteringValueT1", "1200.5")
            sub(energy, MD, "MeteringValueT2", "300.25")
            sub(energy, HM, "TransformationRatio", "40")
        else:
            heat = sub(full, HM, "MunicipalResourceNotEnergy")
            ref = sub(heat, MD, "MunicipalResource")
            sub(ref, NSI, "Code", "5")
            sub(ref, NSI, "GUID", guid("nsi:2:5"))
            sub(ref, NSI, "Name", "Тепловая энергия")
            sub(heat, MD, "MeteringValue", "15.3")
            sub(heat, HM, "Unit", "233")
    return request


def devices_from_result(path: Path) -> dict[int, str]:
    """Device number in import-metering-device.xml → the root GUID the hub gave it, from a saved
    getState response of that import (``CommonResult/importMeteringDevice/MeteringDeviceGUID``)."""
    transports = {n: guid(f"metering-device:{n}") for n in (1, 2)}
    return guids_from_result(path, transports, "MeteringDeviceGUID of device(s)", element="{*}MeteringDeviceGUID")


def readings_of_demo_devices(devices: dict[int, str]) -> etree._Element:
    """importMeteringDeviceValuesRequest for the two house devices of import-metering-device.xml:
    November's heat reading (one-rate, NSI 2 code 5) and electricity on two tariffs, each above
    the base values the devices were placed with."""
    from testkit.readings import ELECTRIC, Dev, Val, import_values

    return import_values(
        [
            Dev(devices[1], values=(Val(("16.8",), "5", "2026-11-20", (2026, 11)),)),
            Dev(devices[2], kind=ELECTRIC, values=(Val(("1300.5", "320.75"), "3", "2026-11-20", (2026, 11)),)),
        ],
        house=DEMO_HOUSE_FIAS,
        seed="demo-house-readings",
        signed_id=None,
    )


def export_metering_device() -> etree._Element:
    request = root("exportMeteringDeviceDataRequest", "14.8.0.1")
    sub(request, HM, "FIASHouseGuid", DEMO_HOUSE_FIAS)
    return request


SAMPLES = {
    "export-house.xml": export_house,
    "import-house-uo.xml": import_house_uo,
    "import-account.xml": import_account,
    "export-account.xml": export_account,
    "export-nsi-list.xml": lambda: nsi_common("exportNsiListRequest"),
    "export-nsi-item.xml": lambda: nsi_common("exportNsiItemRequest", 24),
    "export-nsi-paging-item.xml": lambda: nsi_common("exportNsiPagingItemRequest", 24, 1),
    "export-org-registry.xml": export_org_registry,
    "import-supply-resource-contract.xml": import_supply_resource_contract,
    "export-supply-resource-contract.xml": export_supply_resource_contract,
    "import-metering-device.xml": import_metering_device,
    "export-metering-device.xml": export_metering_device,
    "import-metering-device-values.xml": import_metering_device_values,
    "export-metering-device-history.xml": export_metering_device_history,
    "export-data-provider.xml": export_data_provider,
    "import-additional-services.xml": import_additional_services,
    "import-municipal-services.xml": import_municipal_services,
    "export-data-provider-nsi-item.xml": export_data_provider_nsi_item,
    "import-payment-document.xml": import_payment_document,
    "export-payment-document.xml": export_payment_document,
}


def serialize(element: etree._Element) -> bytes:
    return bytes(etree.tostring(element, encoding="UTF-8", xml_declaration=True, pretty_print=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output directory")
    parser.add_argument(
        "--premises-from", type=Path, help="saved getState response of import-house-uo.xml (hub send --save)"
    )
    parser.add_argument(
        "--devices-from",
        type=Path,
        help="saved getState response of import-metering-device.xml: readings of those devices",
    )
    parser.add_argument(
        "--accounts-from",
        type=Path,
        help="saved getState response of import-account.xml: payment documents of those accounts",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.accounts_from:
        target = args.out / "import-payment-document.xml"
        target.write_bytes(serialize(import_payment_document(accounts_from_result(args.accounts_from))))
        print(f"{target}: payment documents of the accounts in {args.accounts_from}")
        return 0
    if args.devices_from:
        devices = devices_from_result(args.devices_from)
        target = args.out / "import-metering-device-values.xml"
        target.write_bytes(serialize(readings_of_demo_devices(devices)))
        print(f"{target}: readings of the devices in {args.devices_from}")
        return 0
    if args.premises_from:
        guids = premises_from_result(args.premises_from)
        (args.out / "import-account.xml").write_bytes(serialize(import_account(guids)))
        print(f"{args.out / 'import-account.xml'}: accounts placed by PremisesGUID")
        return 0
    for name, build in SAMPLES.items():
        (args.out / name).write_bytes(serialize(build()))
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
