"""An organization's own books (NsiAsync) over real HTTP on both shapes.

Organization «a» creates, updates, deletes and recovers its NSI 1 and NSI 51 items, exports them
(whole and as a delta), and organization «b» neither sees nor changes them. Every request and
every getStateResult is checked under the real XSD (``tests.is_services.send``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import etree

from hub import ns
from hub.areas.nsi.lookup import SqlOwnNsiLookup
from testkit import nsi as kit
from tests import is_services
from tests.e2e.harness import HubUnderTest, Org
from tests.is_services import error_code

PATH = "/ext-bus-nsi-service/services/NsiAsync"
TNS = ns.NSI
NSI = ns.NSI_BASE
BASE = ns.BASE


def send(hut: HubUnderTest, org: Org, body: str, action: str, real_contract: Path) -> etree._Element:
    return is_services.send(hut, org, body, action, PATH, real_contract, is_header=False)


def tg() -> str:
    return str(uuid.uuid4())


def results(state: etree._Element) -> dict[str, etree._Element]:
    """ImportResult by TransportGUID."""
    return {r.findtext(f"{{{BASE}}}TransportGUID") or "": r for r in state.iterfind(f"{{{TNS}}}ImportResult")}


def guid_of(result: etree._Element) -> str:
    assert result.find(f"{{{BASE}}}Error") is None, etree.tostring(result, encoding="unicode")
    return result.findtext(f"{{{BASE}}}GUID") or ""


def error_of(result: etree._Element) -> str | None:
    return result.findtext(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")


def exported(
    hut: HubUnderTest, org: Org, registry: int, real_contract: Path, after: str | None = None
) -> etree._Element:
    return send(hut, org, kit.export_provider_item(registry, after), "exportDataProviderNsiItem", real_contract)


def elements(state: etree._Element) -> dict[str, etree._Element]:
    """NsiElement by GUID."""
    return {e.findtext(f"{{{NSI}}}GUID") or "": e for e in state.iterfind(f"{{{TNS}}}NsiItem/{{{NSI}}}NsiElement")}


def values(element: etree._Element) -> dict[str, str]:
    """Field name → its Value (or the Code of a reference / OKEI field)."""
    out: dict[str, str] = {}
    for field in element.iterfind(f"{{{NSI}}}NsiElementField"):
        name = field.findtext(f"{{{NSI}}}Name") or ""
        value = field.findtext(f"{{{NSI}}}Value") or field.findtext(f".//{{{NSI}}}Code")
        out[name] = value or ""
    return out


def test_additional_services_create_update_delete_recover(hut: HubUnderTest, real_contract: Path) -> None:
    org, other = hut.orgs["a"], hut.orgs["b"]
    suffix = uuid.uuid4().hex[:8]
    intercom, concierge = tg(), tg()
    created = results(
        send(
            hut,
            org,
            kit.import_additional_services(
                [
                    kit.AdditionalService(intercom, f"Домофон {suffix}"),
                    kit.AdditionalService(concierge, f"Консьерж {suffix}", okei=None, unit="услуга"),
                ]
            ),
            "importAdditionalServices",
            real_contract,
        )
    )
    intercom_guid, concierge_guid = guid_of(created[intercom]), guid_of(created[concierge])
    codes = {created[t].findtext(f"{{{BASE}}}UniqueNumber") for t in (intercom, concierge)}
    assert len(codes) == 2 and all(c and c.isdigit() for c in codes)

    # one request: a rename, a duplicate name, the deletion of the other
    rename, duplicate, remove = tg(), tg(), tg()
    changed = results(
        send(
            hut,
            org,
            kit.import_additional_services(
                [
                    kit.AdditionalService(rename, f"Домофон и видеонаблюдение {suffix}", element_guid=intercom_guid),
                    kit.AdditionalService(duplicate, f"Домофон и видеонаблюдение {suffix}"),
                ],
                delete=[(remove, concierge_guid)],
            ),
            "importAdditionalServices",
            real_contract,
        )
    )
    assert guid_of(changed[rename]) == intercom_guid
    assert error_of(changed[duplicate]) == "INT913001"
    assert guid_of(changed[remove]) == concierge_guid

    book = elements(exported(hut, org, 1, real_contract))
    assert values(book[intercom_guid]) == {
        "Вид дополнительной услуги": f"Домофон и видеонаблюдение {suffix}",
        "Единица измерения": "796",
    }
    assert book[concierge_guid].findtext(f"{{{NSI}}}IsActual") == "false"
    assert values(book[concierge_guid])["Единица измерения"] == "услуга"

    # deleted: cannot be changed or deleted again; recovered once; then recovering is an error
    # (an ElementGuid appears once per request: the XSD's key)
    def one(service: kit.AdditionalService | None = None, **lists: list[tuple[str, str]]) -> dict[str, etree._Element]:
        body = kit.import_additional_services([service] if service else [], **lists)
        return results(send(hut, org, body, "importAdditionalServices", real_contract))

    edit, again = tg(), tg()
    third = one(kit.AdditionalService(edit, "Новое имя", element_guid=concierge_guid), delete=[(again, intercom_guid)])
    assert error_of(third[edit]) == "INT913004"
    assert guid_of(third[again]) == intercom_guid
    back = tg()
    assert guid_of(one(recover=[(back, concierge_guid)])[back]) == concierge_guid
    twice, gone = tg(), tg()
    fourth = one(recover=[(twice, concierge_guid)], delete=[(gone, intercom_guid)])
    assert error_of(fourth[twice]) == "INT913003"
    assert error_of(fourth[gone]) == "INT913002"
    book = elements(exported(hut, org, 1, real_contract))
    assert book[concierge_guid].findtext(f"{{{NSI}}}IsActual") == "true"
    assert book[intercom_guid].findtext(f"{{{NSI}}}IsActual") == "false"

    # the other organization: not in its book, and it cannot change ours
    theirs = exported(hut, other, 1, real_contract)
    assert not {intercom_guid, concierge_guid} & set(elements(theirs))
    steal, hide = tg(), tg()
    refused = results(
        send(
            hut,
            other,
            kit.import_additional_services(
                [kit.AdditionalService(steal, "Чужая", element_guid=concierge_guid)], delete=[(hide, intercom_guid)]
            ),
            "importAdditionalServices",
            real_contract,
        )
    )
    assert error_of(refused[steal]) == error_of(refused[hide]) == "INT002000"
    assert elements(exported(hut, org, 1, real_contract))[concierge_guid].findtext(f"{{{NSI}}}IsActual") == "true"


def test_municipal_services_and_the_delta(hut: HubUnderTest, real_contract: Path) -> None:
    org, other = hut.orgs["a"], hut.orgs["rso"]
    suffix = uuid.uuid4().hex[:8]
    water, heat = tg(), tg()
    created = results(
        send(
            hut,
            org,
            kit.import_municipal_services(
                [
                    kit.MunicipalService(water, f"ХВС {suffix}", "1", "1", "1"),
                    kit.MunicipalService(heat, f"Отопление {suffix}", "6", "5", None, okei="A056"),
                ]
            ),
            "importMunicipalServices",
            real_contract,
        )
    )
    water_guid, heat_guid = guid_of(created[water]), guid_of(created[heat])
    book = elements(exported(hut, org, 51, real_contract))
    assert values(book[water_guid]) == {
        "Главная коммунальная услуга": f"ХВС {suffix}",
        "Вид коммунальной услуги": "1",
        "Вид коммунального ресурса": "1",
        "Порядок сортировки": "1",
    }
    assert values(book[heat_guid])["Единица измерения"] == "A056"
    assert "Порядок сортировки" not in values(book[heat_guid])

    after = (datetime.now(UTC) - timedelta(seconds=0)).isoformat(timespec="seconds")
    later_is_empty = exported(hut, org, 51, real_contract, (datetime.now(UTC) + timedelta(days=1)).isoformat())
    assert error_code(later_is_empty) == "INT002012"

    update, remove = tg(), tg()
    import time

    time.sleep(1.1)  # Modified has whole seconds
    changed = results(
        send(
            hut,
            org,
            kit.import_municipal_services(
                [kit.MunicipalService(update, f"ХВС {suffix} (питьевая)", "1", "1", "3", element_guid=water_guid)],
                delete=[(remove, heat_guid)],
            ),
            "importMunicipalServices",
            real_contract,
        )
    )
    assert guid_of(changed[update]) == water_guid and guid_of(changed[remove]) == heat_guid
    delta = elements(exported(hut, org, 51, real_contract, after))
    assert {water_guid, heat_guid} <= set(delta)
    assert values(delta[water_guid])["Порядок сортировки"] == "3"

    back = tg()
    recovered = results(
        send(
            hut,
            org,
            kit.import_municipal_services(recover=[(back, heat_guid)]),
            "importMunicipalServices",
            real_contract,
        )
    )
    assert guid_of(recovered[back]) == heat_guid

    # books the hub has no import for are empty; another organization never sees these
    assert error_code(exported(hut, org, 337, real_contract)) == "INT002012"
    assert error_code(exported(hut, other, 51, real_contract)) == "INT002012"

    # the port payment documents will use: by Code or GUID, only in the owner's book
    with hut.hub.store.reading() as conn:
        lookup = SqlOwnNsiLookup(conn)
        code = book[water_guid].findtext(f"{{{NSI}}}Code") or ""
        found = lookup.find(org.id, 51, [code, heat_guid.upper(), "999999"])
        assert found[code].guid == water_guid and found[code].is_actual
        assert found[heat_guid.upper()].guid == heat_guid
        assert "999999" not in found
        assert lookup.find(other.id, 51, [code, heat_guid]) == {}
        assert lookup.find(org.id, 1, [heat_guid]) == {}
