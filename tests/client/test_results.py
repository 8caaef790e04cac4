"""Reading getStateResult: whole-message errors, per-object results, exports."""

from __future__ import annotations

from lxml import etree

from hub import ns
from hub.client.results import RequestState, parse_state
from testkit.elements import guid
from tests.contract import instances


def test_error_message_is_the_whole_message_error() -> None:
    result = parse_state(instances.get_state_error_message(), raw=b"", signer_fingerprint="f")
    assert result.request_state is RequestState.PROCESSED and result.done and not result.ok
    assert result.error is not None and result.error.code == "INT002012"
    assert result.objects == ()


def test_import_result_objects_carry_guids_or_errors() -> None:
    element = instances.get_state_import_result(successes=2, failures=1, extension="ImportAccount")
    result = parse_state(element, raw=b"", signer_fingerprint="f")
    assert result.ok
    assert len(result.objects) == 3
    first = result.objects[0]
    assert first.guid == guid("object:0")
    assert first.transport_guid == guid("transport:0")
    assert first.unique_number == "yXE0001900000"
    assert first.update_date is not None and first.ok
    assert [etree.QName(e).localname for e in first.extension] == ["ImportAccount"]
    (failed,) = result.failed_objects
    assert failed.guid is None
    assert [(e.code, e.description) for e in failed.errors] == [("INT002000", "Значение в поле отсутствует в реестре")]


def test_error_inside_import_result_is_the_whole_message_error() -> None:
    result = parse_state(instances.get_state_import_error(), raw=b"", signer_fingerprint="f")
    assert result.error is not None and result.error.code == "EXP001000"
    assert result.error.stack_trace == "hub.worker: trace id 42"


def test_states_one_and_two_have_no_results() -> None:
    result = parse_state(instances.get_state_processing(request_state=1), raw=b"", signer_fingerprint="f")
    assert result.request_state is RequestState.RECEIVED and not result.done and not result.ok


def test_export_results_are_kept_as_elements() -> None:
    element = instances.get_state_processing()
    element.find(ns.qname(ns.BASE, "RequestState")).text = "3"  # type: ignore[union-attr]
    export = etree.SubElement(element, ns.qname(ns.HOUSE_MANAGEMENT, "exportHouseResult"))
    result = parse_state(element, raw=b"", signer_fingerprint="f")
    assert result.exports == (export,)
    assert result.ok
