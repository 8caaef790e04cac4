"""The real GIS 16.3.0.0 contract as a validator, for tests that check fidelity.

``load_real_schema`` compiles one lxml schema from a wrapper that imports the types of every
service we serve (which import the lib files), cached per contract directory and thread. Our
``xsd/`` has the same layout, so ``load_real_schema(default_xsd_dir())`` compiles ours the same
way, independently of the entry files the hub's ``Schemas`` knows.
``assert_valid_under_real_xsd`` is what every test of a hub *response* should call: whatever the
hub emits must be valid under the real contract, not only under ours.

Use it with the ``real_contract`` fixture (tests/conftest.py), which skips when the shared
folder is absent (and fails in CI).
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

_XS = "http://www.w3.org/2001/XMLSchema"
_GIS = "http://dom.gosuslugi.ru/schema/integration/"
_ENTRY_FILES = (
    (_GIS + "house-management/", "house-management/hcs-house-management-types.xsd"),
    (_GIS + "base/", "lib/hcs-base.xsd"),
    (_GIS + "device-metering/", "device-metering/hcs-device-metering-types.xsd"),
    (_GIS + "bills/", "bills/hcs-bills-types.xsd"),
    (_GIS + "nsi-common/", "nsi-common/hcs-nsi-common-types.xsd"),
    (_GIS + "nsi/", "nsi/hcs-nsi-types.xsd"),
    (
        _GIS + "organizations-registry-common/",
        "organizations-registry-common/hcs-organizations-registry-common-types.xsd",
    ),
)

_cache: dict[tuple[Path, int], etree.XMLSchema] = {}
_lock = threading.Lock()


def load_real_schema(real_contract_dir: Path) -> etree.XMLSchema:
    """The contract in ``real_contract_dir`` (six services + lib) compiled by lxml; cached per path and thread."""
    key = (real_contract_dir.resolve(), threading.get_ident())
    with _lock:
        schema = _cache.get(key)
        if schema is None:
            wrapper = etree.Element(f"{{{_XS}}}schema", nsmap={"xs": _XS})
            for namespace, relative in _ENTRY_FILES:
                etree.SubElement(
                    wrapper,
                    f"{{{_XS}}}import",
                    namespace=namespace,
                    schemaLocation=(key[0] / relative).as_uri(),
                )
            parser = etree.XMLParser(no_network=True, resolve_entities=False)
            schema = etree.XMLSchema(etree.fromstring(etree.tostring(wrapper), parser=parser))
            _cache[key] = schema
        return schema


def errors_under_real_xsd(element: etree._Element, real_contract_dir: Path) -> list[str]:
    """The real validator's messages for ``element`` (empty when valid)."""
    schema = load_real_schema(real_contract_dir)
    if schema.validate(element):
        return []
    return [f"line {e.line}: {e.path}: {e.message}" for e in schema.error_log]


def assert_valid_under_real_xsd(element: etree._Element, real_contract_dir: Path) -> None:
    """Fail with the real validator's error log unless ``element`` is valid under GIS 16.3.0.0."""
    errors = errors_under_real_xsd(element, real_contract_dir)
    assert not errors, f"{etree.QName(element).localname} is invalid under the real XSD:\n" + "\n".join(errors)
