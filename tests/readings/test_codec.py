"""The readings codec: every value kind decoded, results encoded valid under the real XSD and
readable by the hub's client library — which also reads GIS's own captured answers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.areas.readings.codec import decode_export, decode_import, import_result_fragment
from hub.areas.readings.rules import Role
from hub.client.results import parse_state
from hub.contract.xmlparse import parse_xml
from hub.domain.outcomes import ObjectError, ObjectOutcome
from hub.errors import E, HubError
from hub.services.ports import ValueKind
from testkit.elements import guid
from testkit.readings import ELECTRIC, VOLUME, Check, Dev, Val, export_history, import_values, transport
from tests.readings.rig import state
from tests.real_contract import assert_valid_under_real_xsd

SAMPLES = (
    "gisexchanger_device-metering_getState_response_exportMeteringDeviceHistoryResult_a.xml",
    "gisexchanger_device-metering_getState_response_exportMeteringDeviceHistoryResult_b.xml",
    "gisexchanger_device-metering_getState_response_exportMeteringDeviceHistoryResult_c.xml",
)


def test_every_value_kind_and_role_decodes(real_contract: Path) -> None:
    request = import_values(
        [
            Dev(
                guid("a"), values=(Val(("1.5",), "2", "2026-11-20+03:00", (2026, 10)), Val(("1.6",), "2", control=True))
            ),
            Dev(guid("b").upper(), kind=ELECTRIC, values=(Val(("10", "20", "30")),), by_version=True),
            Dev(
                guid("c"),
                kind=VOLUME,
                values=(Val(("7",), "5"),),
                verification=Check((("5", ("1",)),), (("5", ("2",)),), reason="3"),
            ),
        ]
    )
    assert_valid_under_real_xsd(request, real_contract)
    current, control, electric, volume, verification = decode_import(request)
    assert (current.kind, current.role, current.period, current.date_value) == (
        ValueKind.ONE_RATE,
        Role.CURRENT,
        (2026, 10),
        date(2026, 11, 20),
    )
    assert current.meters[0].resource == "2" and current.meters[0].values == (Decimal("1.5"), None, None)
    assert current.transport_guid == transport("readings", 0, 0)
    assert (
        current.where
        == "/importMeteringDeviceValuesRequest/MeteringDevicesValues[1]/OneRateDeviceValue/CurrentValue[1]"
    )
    assert (control.role, control.period) == (Role.CONTROL, None)
    assert electric.device_guid == guid("b") and electric.kind is ValueKind.ELECTRIC
    assert electric.meters[0].resource is None
    assert electric.meters[0].values == (Decimal(10), Decimal(20), Decimal(30))
    assert electric.period == (2026, 11)  # absent: the month of the date taken
    assert volume.kind is ValueKind.VOLUME and volume.meters[0].resource == "5"
    assert verification.role is Role.VERIFICATION and verification.verification is not None
    assert verification.verification.reason_code == "3" and not verification.verification.planned
    assert verification.verification.end[0].values[0] == Decimal(2)


def test_export_filters_decode() -> None:
    query = decode_export(
        export_history(
            houses=[guid("h").upper()],
            cursor=guid("next"),
            resources=["1", "2"],
            commissioned_from="2020-01-01",
            archived=True,
            date_from="2026-10-01",
            date_to="2026-11-30",
            exclude_other_org=True,
        )
    )
    assert query.houses == (guid("h"),) and query.cursor == guid("next") and query.resources == ("1", "2")
    assert query.archived and query.exclude_other_org and not query.exclude_current_org
    assert (query.commissioned_from, query.date_from, query.date_to) == (
        date(2020, 1, 1),
        date(2026, 10, 1),
        date(2026, 11, 30),
    )


def test_import_result_is_one_common_result_per_item(real_contract: Path) -> None:
    outcomes = [
        ObjectOutcome(guid("t1"), guid=guid("g1"), update_date=datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ObjectOutcome(guid("t2"), errors=(ObjectError("INT912007", "Показание меньше <предыдущего> & так далее"),)),
    ]
    result = state(import_result_fragment(outcomes))
    assert_valid_under_real_xsd(result, real_contract)
    read = parse_state(result, raw=b"", signer_fingerprint="f")
    assert [(o.transport_guid, o.guid, o.ok) for o in read.objects] == [
        (guid("t1"), guid("g1"), True),
        (guid("t2"), None, False),
    ]
    assert read.objects[1].errors[0].code == "INT912007"
    assert "<предыдущего> &" in read.objects[1].errors[0].description


@pytest.mark.parametrize("name", SAMPLES)
def test_the_client_reads_gis_captured_history_answers(gis_samples: Path, name: str) -> None:
    envelope = parse_xml((gis_samples / name).read_bytes())
    element = envelope.find(f".//{{{ns.DEVICE_METERING}}}getStateResult")
    assert element is not None
    read = parse_state(element, raw=b"", signer_fingerprint="f")
    assert read.done and read.ok
    assert read.exports and all(etree.QName(e).localname == "exportMeteringDeviceHistoryResult" for e in read.exports)


def test_a_value_python_cannot_hold_is_a_coded_error() -> None:
    request = import_values([Dev(guid("a"), values=(Val(("1",), date="2026-02-30"),))])
    with pytest.raises(HubError) as raised:
        decode_import(request)
    assert raised.value.spec is E.FMT001300


def test_an_empty_planned_verification_flag_is_its_fixed_true() -> None:
    request = import_values([Dev(guid("a"), values=(), verification=Check())])
    flag = request.find(f".//{{{ns.DEVICE_METERING}}}PlannedVerification")
    assert flag is not None
    flag.text = None  # valid: the XSD fills an empty element with its fixed value
    [command] = decode_import(request)
    assert command.verification is not None and command.verification.planned
