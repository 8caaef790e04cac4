"""XSD validation of business payloads against the hub's own contract (``xsd/``).

Why lxml: libxml2's validator (lxml ``etree.XMLSchema``) is the gatekeeper on the hot path. It
parses and validates ≈ 100k records/s; ``xmlschema`` (pure Python) is ≈ 30× slower and is used
elsewhere only to *explain* a failure in readable terms, never to decide.

One compiled schema covers every namespace: a small in-memory wrapper schema ``xs:import``\\s the
entry file of each namespace found in ``xsd/`` (file URIs), so the services' payloads, headers
and faults all validate with the same object. Schema files are parsed with ``no_network=True``
and ``resolve_entities=False``: the contract is ours, but nothing is fetched from anywhere.

Cost (measured, 2-core machine): ``load`` of the house-management subset (9 files, ≈ 180
components, plus reading the fixed-attribute rules) takes ≈ 6–9 ms; compiling the full real
house-management XSD (1 MB) takes ≈ 57 ms. Either way it is paid once: the result is cached per
``xsd_dir`` (``load``), each further thread compiles its own copy (≈ 5 ms), and no work happens
at import time.

Threads: an ``etree.XMLSchema`` keeps its ``error_log`` on the object, so two threads validating
with one instance would read each other's errors. Each thread therefore compiles and keeps its
own instance (``threading.local``), built lazily on first use in that thread.

libxml2 gap: it ignores ``fixed`` on an attribute use that references a global attribute
(``<xs:attribute ref="base:version" use="required" fixed="10.0.1.1"/>``), which is exactly how GIS
pins ``base:version`` of importAccountRequest, exportAccountRequest, getStateResult and
getStateResult/ImportResult. GIS (Xerces) enforces it, so after libxml2 accepts, the rules read
from the schema files at load time (element → attribute → fixed value) are checked in one pass.

Validation is done *in place*: lxml validates an element inside the document it belongs to, so
libxml2 reports the line numbers of the client's original message (an envelope's Body child
keeps its lines) and an XPath into that document.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar, Protocol, cast

from lxml import etree

import hub
from hub.contract.libxml_ru import validation_message
from hub.errors import E, HubError

_XS = "http://www.w3.org/2001/XMLSchema"

#: Entry file per namespace, relative to the xsd directory. A namespace is imported only when
#: its file exists, so a checkout with fewer services still loads.
_ENTRY_FILES: tuple[tuple[str, str], ...] = (
    ("http://dom.gosuslugi.ru/schema/integration/base/", "lib/hcs-base.xsd"),
    (
        "http://dom.gosuslugi.ru/schema/integration/house-management/",
        "house-management/hcs-house-management-types.xsd",
    ),
    (
        "http://dom.gosuslugi.ru/schema/integration/device-metering/",
        "device-metering/hcs-device-metering-types.xsd",
    ),
    ("http://dom.gosuslugi.ru/schema/integration/bills/", "bills/hcs-bills-types.xsd"),
    ("http://dom.gosuslugi.ru/schema/integration/nsi-common/", "nsi-common/hcs-nsi-common-types.xsd"),
    ("http://dom.gosuslugi.ru/schema/integration/nsi/", "nsi/hcs-nsi-types.xsd"),
    (
        "http://dom.gosuslugi.ru/schema/integration/organizations-registry-common/",
        "organizations-registry-common/hcs-organizations-registry-common-types.xsd",
    ),
)


def default_xsd_dir() -> Path:
    """``<repo>/xsd``: the directory beside the ``hub`` package."""
    return Path(hub.__file__).resolve().parent.parent / "xsd"


def _schema_parser() -> etree.XMLParser:
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, remove_comments=True)


def _wrapper(xsd_dir: Path) -> bytes:
    """A schema document with no components of its own that imports every namespace's entry file."""
    root = etree.Element(f"{{{_XS}}}schema", nsmap={"xs": _XS})
    for namespace, relative in _ENTRY_FILES:
        path = xsd_dir / relative
        if path.is_file():
            etree.SubElement(root, f"{{{_XS}}}import", namespace=namespace, schemaLocation=path.as_uri())
    if len(root) == 0:
        raise FileNotFoundError(f"no contract schema files under {xsd_dir}")
    return etree.tostring(root)


class _LogEntry(Protocol):
    """What is read from an lxml error-log entry (lxml-stubs leave ``_ErrorLog`` opaque)."""

    line: int
    path: str
    message: str


def _errors(schema: etree.XMLSchema) -> list[_LogEntry]:
    entries: Iterable[_LogEntry] = cast("Iterable[_LogEntry]", schema.error_log)
    return list(entries)


def _more_errors(count: int) -> str:
    """`` (и ещё N ошибок)`` with the Russian plural of ``ошибка``."""
    if count % 10 == 1 and count % 100 != 11:
        word = "ошибка"
    elif count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        word = "ошибки"
    else:
        word = "ошибок"
    return f" (и ещё {count} {word})"


def _clark(context: etree._Element, qname: str) -> str:
    prefix, _, local = qname.rpartition(":")
    return f"{{{context.nsmap.get(prefix or None, '')}}}{local}"


#: element (Clark) → attribute (Clark) → the fixed values the schema allows for it
FixedRules = dict[str, dict[str, frozenset[str]]]


def _fixed_attribute_rules(xsd_dir: Path) -> FixedRules:
    """``fixed`` values of attribute uses that reference a global attribute (see module doc)."""
    found: dict[str, dict[str, set[str]]] = {}
    for path in sorted(xsd_dir.rglob("*.xsd")):
        doc = etree.parse(str(path), _schema_parser()).getroot()
        target = doc.get("targetNamespace", "")
        qualified = doc.get("elementFormDefault") == "qualified"
        for use in doc.iter(f"{{{_XS}}}attribute"):
            ref, fixed = use.get("ref"), use.get("fixed")
            if ref is None or fixed is None:
                continue
            owner = next(
                (a for a in use.iterancestors(f"{{{_XS}}}element", f"{{{_XS}}}complexType") if a.get("name")),
                None,
            )
            if owner is None or owner.tag != f"{{{_XS}}}element":
                # A named type pins the value: its elements are not known here. None in the subset.
                raise ValueError(f"{path.name}: fixed attribute {ref} outside an element declaration")
            is_global = owner.getparent() is doc
            element = f"{{{target if (is_global or qualified) else ''}}}{owner.get('name')}"
            found.setdefault(element, {}).setdefault(_clark(use, ref), set()).add(fixed)
    return {element: {a: frozenset(v) for a, v in attrs.items()} for element, attrs in found.items()}


class Schemas:
    """The compiled contract of one ``xsd`` directory; shared by all threads."""

    _cache: ClassVar[dict[Path, Schemas]] = {}
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, xsd_dir: Path) -> None:
        self.xsd_dir = xsd_dir
        self._wrapper = _wrapper(xsd_dir)
        self._local = threading.local()
        self._fixed = _fixed_attribute_rules(xsd_dir)
        self._schema()  # compile once now: a broken contract fails at load, not on a request

    @classmethod
    def load(cls, xsd_dir: Path | None = None) -> Schemas:
        """The schemas of ``xsd_dir`` (default: ``<repo>/xsd``), compiled once per directory."""
        key = (xsd_dir or default_xsd_dir()).resolve()
        with cls._cache_lock:
            found = cls._cache.get(key)
            if found is None:
                found = cls._cache[key] = cls(key)
            return found

    def _schema(self) -> etree.XMLSchema:
        schema: etree.XMLSchema | None = getattr(self._local, "schema", None)
        if schema is None:
            doc = etree.fromstring(self._wrapper, parser=_schema_parser(), base_url=self.xsd_dir.as_uri() + "/")
            schema = etree.XMLSchema(doc)
            self._local.schema = schema
        return schema

    def _fixed_violation(self, element: etree._Element) -> tuple[etree._Element, str] | None:
        """The first element whose fixed attribute has another value, with libxml2-style text."""
        if not self._fixed:
            return None
        for node in element.iter(*self._fixed):
            for attribute, allowed in self._fixed[node.tag].items():
                value = node.get(attribute)
                if value is not None and value not in allowed:
                    expected = "' or '".join(sorted(allowed))
                    return node, (
                        f"Element '{node.tag}', attribute '{attribute}': The value '{value}' does not "
                        f"match the fixed value constraint '{expected}'."
                    )
        return None

    def is_valid(self, element: etree._Element) -> bool:
        """True when ``element`` (a global element of the contract) is schema-valid."""
        return bool(self._schema().validate(element)) and self._fixed_violation(element) is None

    def validate(self, element: etree._Element) -> None:
        """Validate ``element`` in place, or raise ``HubError(FMT001300)`` at the first error.

        ``where`` is ``строка <line>, <xpath>`` of the first error, the line being the one in
        the client's message; ``detail`` is libxml2's text (GIS shows the validator's text too).
        """
        schema = self._schema()
        if schema.validate(element):
            violation = self._fixed_violation(element)
            if violation is None:
                return
            bad, detail = violation
            detail = validation_message(detail)
            where = f"строка {bad.sourceline or 0}, {bad.getroottree().getpath(bad)}"
            raise HubError(E.FMT001300, detail, where=where)
        errors = _errors(schema)
        if not errors:  # pragma: no cover - libxml2 always logs the reason
            raise HubError(E.FMT001300, "Документ не соответствует схеме")
        first = errors[0]
        detail = validation_message(str(first.message))
        if len(errors) > 1:
            detail += _more_errors(len(errors) - 1)
        raise HubError(E.FMT001300, detail, where=f"строка {first.line}, {first.path}")
