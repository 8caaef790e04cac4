"""Metering devices over real HTTP on both shapes: every kind placed, exported, updated, archived
and replaced by the house's manager; another organization refused and shown nothing."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from hub.areas.devices.lookup import SqlMeteringDeviceLookup
from testkit.accounts import Acc
from testkit.accounts import import_request as import_accounts
from testkit.devices import Dev, archive, export_request, import_request, one_of_each_kind, replace, update_after
from testkit.messages import BASE
from testkit.seeds import House, add_house
from tests.accounts.results import HM, commons, error_code
from tests.accounts.test_e2e import send
from tests.e2e.harness import HubUnderTest, Org
from tests.real_contract import assert_valid_under_real_xsd


def _house(hut: HubUnderTest, org: Org) -> House:
    with hut.hub.store.writing() as conn:
        return add_house(conn, org.id, premises_count=3, rooms=1)


def _account(hut: HubUnderTest, org: Org, house: House) -> str:
    """An open account of the house, placed over HTTP (devices are linked to accounts)."""
    state = send(hut, org, import_accounts([Acc([("FIASHouseGuid", house.fias, None)])]), "importAccountData")
    result = state.find(f"{{{HM}}}ImportResult")
    assert result is not None
    (placed,) = commons(result)
    assert placed.ok and placed.guid
    return placed.guid


def _exported(state: etree._Element) -> dict[str, etree._Element]:
    """exportMeteringDeviceDataResult by root GUID."""
    return {
        r.findtext(f"{{{HM}}}MeteringDeviceRootGUID") or "": r
        for r in state.iterfind(f"{{{HM}}}exportMeteringDeviceDataResult")
    }


Placed = list[tuple[str, str, tuple[str, ...]]]


def _import(hut: HubUnderTest, org: Org, request: etree._Element, real_contract: Path) -> Placed:
    """(version GUID, root GUID, error codes) per device."""
    state = send(hut, org, request, "importMeteringDeviceData")
    assert_valid_under_real_xsd(state, real_contract)
    result = state.find(f"{{{HM}}}ImportResult")
    assert result is not None
    roots = [c.findtext(f"{{{HM}}}importMeteringDevice/{{{HM}}}MeteringDeviceGUID") or "" for c in result]
    return [(c.guid or "", root, c.errors) for c, root in zip(commons(result), roots, strict=True)]


def test_every_kind_placed_exported_changed_archived_replaced(hut: HubUnderTest, real_contract: Path) -> None:
    org, other = hut.orgs["a"], hut.orgs["b"]
    house = _house(hut, org)
    account = _account(hut, org, house)
    devices = one_of_each_kind(house.fias, house.premises, house.rooms, [account])
    placed = _import(hut, org, import_request(devices), real_contract)
    assert [errors for _v, _r, errors in placed] == [()] * 6
    versions = [v for v, _r, _e in placed]
    roots = [r for _v, r, _e in placed]
    assert len(set(versions) | set(roots)) == 12

    everything = send(hut, org, export_request(house=house.fias), "exportMeteringDeviceData")
    assert_valid_under_real_xsd(everything, real_contract)
    found = _exported(everything)
    assert set(found) == set(roots)
    electric = found[roots[2]]
    assert electric.findtext(f"{{{HM}}}MunicipalResourceEnergy/*") == "100.1"
    assert electric.find(f"{{{HM}}}BasicChatacteristicts/{{{HM}}}ApartmentHouseDevice") is not None

    # a change after readings: a new version with the new model, the old one archival
    (changed,) = _import(hut, org, update_after(versions[0], model="ВСХ-20"), real_contract)
    assert changed[2] == () and changed[1] == roots[0] and changed[0] != versions[0]
    by_root = _exported(send(hut, org, export_request(root_guid=roots[0]), "exportMeteringDeviceData"))[roots[0]]
    assert by_root.findtext(f"{{{HM}}}BasicChatacteristicts/{{{HM}}}MeteringDeviceModel") == "ВСХ-20"
    assert by_root.findtext(f"{{{HM}}}VersionNumber") == "2"
    old = send(hut, org, export_request(version_guid=versions[0]), "exportMeteringDeviceData")
    assert_valid_under_real_xsd(old, real_contract)
    assert _exported(old)[roots[0]].findtext(f"{{{HM}}}StatusVersion") == "Archival"
    (stale,) = _import(hut, org, update_after(versions[0], model="X"), real_contract)
    assert stale[2] == ("INT911003",)

    # archive the non-residential device: gone from the default export, there with SearchArchived
    (archived,) = _import(hut, org, archive(versions[1]), real_contract)
    assert archived[2] == ()
    active = _exported(send(hut, org, export_request(house=house.fias), "exportMeteringDeviceData"))
    assert roots[1] not in active and len(active) == 5
    with_archive = _exported(
        send(hut, org, export_request(house=house.fias, search_archived=True), "exportMeteringDeviceData")
    )
    assert with_archive[roots[1]].findtext(f"{{{HM}}}StatusRootDoc") == "Archival"

    # replace the residential device by a new one in the same premises
    successor = Dev("ResidentialPremiseDevice", [house.premises[0]], accounts=[account])
    (new,) = _import(hut, org, import_request([successor]), real_contract)
    (replaced,) = _import(hut, org, replace(changed[0], new[0]), real_contract)
    assert replaced[2] == ()
    with hut.hub.engine.connect() as conn:
        meters = SqlMeteringDeviceLookup(conn).find_many([new[1], roots[0]])
    assert meters[new[1]].replaced_root_guid == roots[0] and not meters[new[1]].archived
    assert meters[roots[0]].archived

    # another management company: refused, and shown nothing
    (refused,) = _import(hut, other, update_after(versions[2], model="X"), real_contract)
    assert refused[2] == ("INT004171",)
    theirs = send(hut, other, export_request(house=house.fias), "exportMeteringDeviceData")
    assert error_code(theirs) == "INT002012" and not _exported(theirs)
    assert error_code(send(hut, other, export_request(root_guid=roots[2]), "exportMeteringDeviceData")) == "INT002012"
    intruding = import_request([Dev("ResidentialPremiseDevice", [house.premises[1]], accounts=[account])])
    intruder = _import(hut, other, intruding, real_contract)
    assert intruder[0][2] == ("INT004171",)


def test_a_supplier_without_contracts_is_refused(hut: HubUnderTest, real_contract: Path) -> None:
    house = _house(hut, hut.orgs["a"])
    outcome = _import(
        hut, hut.orgs["rso"], import_request([Dev("CollectiveDevice", [house.fias], ("5",))]), real_contract
    )
    assert outcome[0][2] == ("INT004171",)
    state = send(hut, hut.orgs["rso"], export_request(house=house.fias), "exportMeteringDeviceData")
    assert state.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"
