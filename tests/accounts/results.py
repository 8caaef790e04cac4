"""Reading the hub's account results in tests, and checking them under the real contract."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from hub import ns
from testkit.elements import GET_STATE_RESULT_VERSION, SIGNED_ID, root, sub
from tests.real_contract import assert_valid_under_real_xsd

HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
ACC = ns.ACCOUNT_BASE
IND = ns.INDIVIDUAL_REGISTRY_BASE


@dataclass(frozen=True)
class Common:
    transport_guid: str
    guid: str | None
    unique_number: str | None
    els: str | None
    service_id: str | None
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def commons(import_result: etree._Element) -> list[Common]:
    return [
        Common(
            transport_guid=c.findtext(f"{{{BASE}}}TransportGUID") or "",
            guid=c.findtext(f"{{{BASE}}}GUID"),
            unique_number=c.findtext(f"{{{BASE}}}UniqueNumber"),
            els=c.findtext(f"{{{HM}}}ImportAccount/{{{ACC}}}UnifiedAccountNumber"),
            service_id=c.findtext(f"{{{HM}}}ImportAccount/{{{ACC}}}ServiceID"),
            errors=tuple(e.text or "" for e in c.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")),
        )
        for c in import_result.iterfind(f"{{{HM}}}CommonResult")
    ]


def error_code(container: etree._Element) -> str | None:
    return container.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode")


def exported(container: etree._Element) -> list[etree._Element]:
    return list(container.iterfind(f"{{{HM}}}exportAccountResult"))


def as_state(children: list[etree._Element]) -> etree._Element:
    """A getStateResult holding ``children`` as the hub's getState would."""
    result = root("getStateResult", GET_STATE_RESULT_VERSION, signed_id=SIGNED_ID)
    sub(result, BASE, "RequestState", 3)
    sub(result, BASE, "MessageGUID", str(uuid.uuid4()))
    for child in children:
        result.append(copy.deepcopy(child))
    return etree.fromstring(etree.tostring(result))


def assert_real(children: list[etree._Element], real_contract: Path) -> None:
    assert_valid_under_real_xsd(as_state(children), real_contract)
