"""The contract tests' corpus: XSD-valid getStateResult answers, and every builder by name.

The request builders live in the test kit (``testkit.houses``, ``testkit.accounts``; shared
with the benchmarks); the getState results here are the hub's answers, which only the contract
tests build. ``ALL_BUILDERS`` names every document ``tests/contract/test_fidelity.py`` proves
valid under the real GIS XSD *and* under ours.
"""

from __future__ import annotations

from lxml import etree

from testkit.accounts import EXPORT_ACCOUNT_SELECTIONS, export_account, import_account
from testkit.devices import EXPORT_DEVICE_VERSIONS, Dev, one_of_each_kind
from testkit.devices import archive as archive_device
from testkit.devices import export_request as export_device
from testkit.devices import import_request as import_devices
from testkit.devices import replace as replace_device
from testkit.devices import update_after as update_device_after
from testkit.devices import update_before as update_device_before
from testkit.elements import (
    ACC,
    BASE,
    EXPORT_HOUSE_VERSIONS,
    GET_STATE_RESULT_VERSION,
    HM,
    IMPORT_RESULT_VERSION,
    SIGNED_ID,
    guid,
    root,
    sub,
)
from testkit.houses import HouseShape, export_house, import_house_uo_apartment, import_house_uo_living
from testkit.messages import unsigned

# --- getStateResult (our responses) ----------------------------------------------------------


def _state_root(request_state: int, message_guid: str) -> etree._Element:
    result = root("getStateResult", GET_STATE_RESULT_VERSION, signed_id=SIGNED_ID)
    sub(result, BASE, "RequestState", request_state)
    sub(result, BASE, "MessageGUID", message_guid)
    return result


def get_state_processing(*, request_state: int = 2, message_guid: str | None = None) -> etree._Element:
    """``getStateResult`` while the request is received (1) or in processing (2)."""
    return _state_root(request_state, message_guid or guid("message"))


def get_state_error_message(
    *,
    code: str = "INT002012",
    description: str = "Нет объектов для экспорта",
    message_guid: str | None = None,
) -> etree._Element:
    """``getStateResult`` with a whole-message ``base:ErrorMessage``."""
    result = _state_root(3, message_guid or guid("message"))
    error = sub(result, BASE, "ErrorMessage")
    sub(error, BASE, "ErrorCode", code)
    sub(error, BASE, "Description", description)
    return result


def common_result(
    parent: etree._Element, namespace: str, local: str, index: int, *, failed: bool = False
) -> etree._Element:
    """A ``base:CommonResultType`` child: GUID, TransportGUID, UniqueNumber and UpdateDate of the
    ``index``-th object, or (``failed``) its TransportGUID and one error."""
    common = sub(parent, namespace, local)
    if failed:
        sub(common, BASE, "TransportGUID", guid(f"transport:failed:{index}"))
        error = sub(common, BASE, "Error")
        sub(error, BASE, "ErrorCode", "INT002000")
        sub(error, BASE, "Description", "Значение в поле отсутствует в реестре")
        return common
    sub(common, BASE, "GUID", guid(f"object:{index}"))
    sub(common, BASE, "TransportGUID", guid(f"transport:{index}"))
    sub(common, BASE, "UniqueNumber", f"yXE0001900{index:03d}")
    sub(common, BASE, "UpdateDate", "2026-11-22T12:00:00.000+03:00")
    return common


def get_state_import_result(
    *,
    successes: int = 2,
    failures: int = 1,
    extension: str | None = "ImportHouseUO",
    message_guid: str | None = None,
) -> etree._Element:
    """``getStateResult/ImportResult`` with ``successes`` + ``failures`` ``CommonResult``\\s.

    ``extension`` adds the per-operation part to successes: ``ImportHouseUO`` (GKN/EGRP
    status), ``ImportAccount`` (unified account number + service id) or ``None``.
    """
    result = _state_root(3, message_guid or guid("message"))
    import_result = sub(result, HM, "ImportResult")
    import_result.set(f"{{{BASE}}}version", IMPORT_RESULT_VERSION)
    for i in range(successes):
        common = common_result(import_result, HM, "CommonResult", i)
        if extension == "ImportHouseUO":
            status = sub(common, HM, "ImportHouseUO")
            gkn = sub(status, HM, "GKNRelationshipStatus")
            sub(gkn, HM, "Status", "N")
            egrp = sub(status, HM, "EGRPRelationshipStatus")
            sub(egrp, HM, "Status", "N")
        elif extension == "ImportAccount":
            account = sub(common, HM, "ImportAccount")
            sub(account, ACC, "UnifiedAccountNumber", f"00АА{i:06d}")
            sub(account, ACC, "ServiceID", f"00АА{i:06d}-01")
    for i in range(failures):
        common_result(import_result, HM, "CommonResult", i, failed=True)
    return result


def get_state_import_error(*, code: str = "EXP001000", description: str = "Ошибка") -> etree._Element:
    """``getStateResult/ImportResult/ErrorMessage``: the whole import failed."""
    result = _state_root(3, guid("message"))
    import_result = sub(result, HM, "ImportResult")
    import_result.set(f"{{{BASE}}}version", IMPORT_RESULT_VERSION)
    error = sub(import_result, BASE, "ErrorMessage")
    sub(error, BASE, "ErrorCode", code)
    sub(error, BASE, "Description", description)
    sub(error, BASE, "StackTrace", "hub.worker: trace id 42")
    return result


def envelope(body: etree._Element, *, org_ppa_guid: str | None = None, message_guid: str | None = None) -> bytes:
    """A pretty-printed unsigned envelope with a fixed header (one element a line, line numbers stable)."""
    return unsigned(
        body,
        org_ppa_guid or guid("org"),
        pretty=True,
        date="2026-11-22T12:00:00.000+03:00",
        message_guid=message_guid or guid("request-message"),
    )


ALL_BUILDERS = {
    "importHouseUO-apartment-13.2.3.2": lambda: import_house_uo_apartment(version="13.2.3.2"),
    "importHouseUO-apartment-11.0.10.1": lambda: import_house_uo_apartment(version="11.0.10.1"),
    "importHouseUO-apartment-no-rooms": lambda: import_house_uo_apartment(
        shape=HouseShape(entrances=1, premises_per_entrance=3, rooms_per_premises=0, non_residential=0, lifts=0)
    ),
    "importHouseUO-living": import_house_uo_living,
    "importHouseUO-living-unsigned": lambda: import_house_uo_living(version="11.0.10.1", signed_id=None),
    "importAccount-6-kinds": lambda: import_account(count=6, accommodations=2, closed=(1, 4)),
    "importAccount-100": lambda: import_account(count=100, accommodations=1, closed=()),
    **{
        f"exportHouse-{v}": (lambda v=v: export_house(version=v))  # type: ignore[misc]
        for v in EXPORT_HOUSE_VERSIONS
    },
    **{f"exportAccount-{by}": (lambda by=by: export_account(by=by)) for by in EXPORT_ACCOUNT_SELECTIONS},  # type: ignore[misc]
    "exportAccount-AccountGUID-1000": lambda: export_account(by="AccountGUID", count=1000),
    "importMeteringDevice-every-kind": lambda: import_devices(
        one_of_each_kind(
            guid("devices:fias"), [guid(f"devices:premises:{i}") for i in range(3)], [guid("devices:room")]
        ),
        house=guid("devices:fias"),
    ),
    "importMeteringDevice-100": lambda: import_devices(
        [
            Dev("ResidentialPremiseDevice", [guid(f"devices:premises:{i}")], transport_guid=guid(f"d{i}"))
            for i in range(100)
        ]
    ),
    "importMeteringDevice-update-before": lambda: update_device_before(
        guid("devices:version"), Dev("CollectiveDevice", [guid("devices:fias")], ("5",))
    ),
    "importMeteringDevice-update-after": lambda: update_device_after(
        guid("devices:version"), model="ВСХ-20", accounts=[guid("devices:account")]
    ),
    "importMeteringDevice-archive": lambda: archive_device(guid("devices:version")),
    "importMeteringDevice-replace": lambda: replace_device(guid("devices:version"), guid("devices:new")),
    **{
        f"exportMeteringDevice-house-{v}": (lambda v=v: export_device(house=guid("devices:fias"), version=v))  # type: ignore[misc]
        for v in EXPORT_DEVICE_VERSIONS
    },
    "exportMeteringDevice-root": lambda: export_device(root_guid=guid("devices:root")),
    "exportMeteringDevice-version-archived": lambda: export_device(
        version_guid=guid("devices:version"), version="11.1.0.2"
    ),
    "exportMeteringDevice-type": lambda: export_device(
        house=guid("devices:fias"), device_type="2", search_archived=True
    ),
    "getState-processing": get_state_processing,
    "getState-received": lambda: get_state_processing(request_state=1),
    "getState-ErrorMessage": get_state_error_message,
    "getState-ImportResult-house": get_state_import_result,
    "getState-ImportResult-account": lambda: get_state_import_result(extension="ImportAccount", failures=2),
    "getState-ImportResult-plain": lambda: get_state_import_result(extension=None, failures=0),
    "getState-ImportResult-only-errors": lambda: get_state_import_result(successes=0, failures=3),
    "getState-ImportResult-ErrorMessage": get_state_import_error,
}
