"""Write our contract subset (xsd/, wsdl/) from the real GIS ZhKKh contract.

    python xsd/tools/subset.py ../shared/gis-contract/16.3.0.0           # (re)write xsd/ and wsdl/
    python xsd/tools/subset.py ../shared/gis-contract/16.3.0.0 --check   # differ? exit 1

What it does, and nothing more:

1. ``SERVICES`` below names, per service, the request and result elements of the operations we
   serve and the branches of ``getStateResult`` we keep (the only place where we cut a real
   component: the other branches are results of operations we do not serve).
2. From these roots (and the base headers and faults in ``BASE_ROOTS``) it follows every QName
   reference (``type``, ``base``, ``ref``, ``itemType``, ``memberTypes``) through the real files
   and keeps the global components reached: the type closure.
3. Each output file keeps its real file's target namespace, schema attributes, prefixes and the
   real order of the components; ``xs:annotation`` (the GIS documentation) and comments are
   dropped, only the prefixes and ``xs:import``\\s the kept components use are declared, and the
   result is indented with two spaces so that it reads and diffs like hand-written XSD.
4. Each WSDL keeps the real messages, portType, binding and service for our operations only,
   in the order of ``SERVICES``, and imports our XSDs from ``../xsd/``.

``lib/xmldsig-core-schema.xsd`` is not touched: ours declares every W3C component (see
xsd/README.md). The output is reviewed by hand and checked by tests/contract/test_fidelity.py;
this script only saves the typing.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
GIS = "http://dom.gosuslugi.ru/schema/integration/"
BASE = GIS + "base/"
DS = "http://www.w3.org/2000/09/xmldsig#"
OUT = Path(__file__).resolve().parent.parent  # xsd/

XSD_HEADER = """<!--
  Namespace {namespace}
  Part of zhkh-hub's own contract: the subset of the GIS ZhKKh integration contract
  16.3.0.0 that the hub serves (see xsd/README.md). Same namespace, names, content models,
  facets and occurrences as GIS; only the components reachable from the supported
  operations are declared. Checked against the real contract by tests/contract/test_fidelity.py.
-->"""

WSDL_HEADER = """<!--
  zhkh-hub: {port}, the subset of the GIS ZhKKh 16.3.0.0 {what}
  async service that the hub serves ({count} operations). Names, SOAPActions, headers and faults as
  in GIS. Schema locations and soap:address are rewritten by the HTTP layer when served.
-->"""


@dataclass(frozen=True)
class Service:
    """One async service: its real files, the operations we serve and what they reach."""

    folder: str  # folder of the real types XSD and WSDL, e.g. "bills"
    operations: tuple[str, ...]  # WSDL operation names, in the order we declare them
    roots: tuple[str, ...]  # global elements of the types namespace the operations use
    get_state_branches: tuple[str, ...]  # kept branches of getStateResult's choice (see _label)

    @property
    def types_file(self) -> str:
        return f"{self.folder}/hcs-{self.folder}-types.xsd"

    @property
    def wsdl_file(self) -> str:
        return f"{self.folder}/hcs-{self.folder}-service-async.wsdl"


BASE_ROOTS = (
    "RequestHeader",
    "ISRequestHeader",
    "ResultHeader",
    "Fault",
    "ErrorMessage",
    "AckRequest",
    "getStateRequest",
    "getRequestsStateRequest",
    "getRequestsStateResult",
)

SERVICES = (
    Service(
        "house-management",
        (
            "importHouseUOData",
            "exportHouseData",
            "importAccountData",
            "exportAccountData",
            "importMeteringDeviceData",
            "exportMeteringDeviceData",
            "importSupplyResourceContractData",
            "exportSupplyResourceContractData",
            "getState",
        ),
        (
            "importHouseUORequest",
            "exportHouseRequest",
            "importAccountRequest",
            "exportAccountRequest",
            "importMeteringDeviceDataRequest",
            "exportMeteringDeviceDataRequest",
            "importSupplyResourceContractRequest",
            "exportSupplyResourceContractRequest",
            "getStateResult",
        ),
        (
            "ErrorMessage",
            "ImportResult",
            "exportHouseResult",
            "exportMeteringDeviceDataResult",
            "exportAccountResult",
            "exportSupplyResourceContractResult",
        ),
    ),
    Service(
        "device-metering",
        ("importMeteringDeviceValues", "exportMeteringDeviceHistory", "getState"),
        ("importMeteringDeviceValuesRequest", "exportMeteringDeviceHistoryRequest", "getStateResult"),
        ("ErrorMessage", "ImportResult", "exportMeteringDeviceHistoryResult"),
    ),
    Service(
        "bills",
        ("importPaymentDocumentData", "exportPaymentDocumentData", "getState", "getRequestsState"),
        ("importPaymentDocumentRequest", "exportPaymentDocumentRequest", "getStateResult"),
        ("ErrorMessage", "ImportResult", "exportPaymentDocResult"),
    ),
    Service(
        "nsi-common",
        ("exportNsiList", "exportNsiItem", "exportNsiPagingItem", "getState"),
        ("exportNsiListRequest", "exportNsiItemRequest", "exportNsiPagingItemRequest", "getStateResult"),
        ("ErrorMessage", "NsiItem", "NsiPagingItem", "NsiList"),
    ),
    Service(
        "nsi",
        ("importAdditionalServices", "importMunicipalServices", "exportDataProviderNsiItem", "getState"),
        (
            "importAdditionalServicesRequest",
            "importMunicipalServicesRequest",
            "exportDataProviderNsiItemRequest",
            "getStateResult",
        ),
        ("ErrorMessage", "ImportResult", "NsiItem"),
    ),
    Service(
        "organizations-registry-common",
        ("exportOrgRegistry", "exportDataProvider", "getState"),
        ("exportOrgRegistryRequest", "exportDataProviderRequest", "getStateResult"),
        ("ErrorMessage", "exportOrgRegistryResult", "exportDataProviderResult"),
    ),
)

#: QName-valued attribute → which kind of global component it names
_REF_KINDS = {
    ("element", "ref"): "element",
    ("element", "type"): "type",
    ("element", "substitutionGroup"): "element",
    ("attribute", "ref"): "attribute",
    ("attribute", "type"): "type",
    ("group", "ref"): "group",
    ("attributeGroup", "ref"): "attributeGroup",
    ("extension", "base"): "type",
    ("restriction", "base"): "type",
    ("list", "itemType"): "type",
    ("union", "memberTypes"): "type",
}
_KIND_OF_GLOBAL = {
    "element": "element",
    "simpleType": "type",
    "complexType": "type",
    "attribute": "attribute",
    "group": "group",
    "attributeGroup": "attributeGroup",
}
_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, remove_comments=True)

Key = tuple[str, str, str]  # (namespace, kind, name)


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname


def _split(node: etree._Element, qname: str) -> tuple[str, str]:
    prefix, _, local = qname.rpartition(":")
    return node.nsmap.get(prefix or None, ""), local


def _label(branch: etree._Element) -> str:
    """A choice branch's name: the element's (or ref's) local name; a sequence's first element's."""
    if _local(branch) == "sequence":
        branch = next(c for c in branch if _local(c) == "element")
    return branch.get("name") or branch.get("ref", "").rpartition(":")[2]


class Contract:
    """The real files, their global components and the closure of what we keep."""

    def __init__(self, real: Path) -> None:
        self.docs: dict[str, tuple[str, etree._Element]] = {}  # namespace → (relative path, root)
        for path in sorted([*real.glob("lib/*.xsd"), *(real / s.types_file for s in SERVICES)]):
            root = etree.parse(str(path), _PARSER).getroot()
            for node in root.iter(f"{{{XS}}}annotation"):
                node.getparent().remove(node)  # type: ignore[union-attr]
            self.docs[root.get("targetNamespace", "")] = (str(path.relative_to(real)), root)
        self.globals: dict[Key, etree._Element] = {}
        for namespace, (_, root) in self.docs.items():
            for node in root:
                if _local(node) in _KIND_OF_GLOBAL:
                    self.globals[(namespace, _KIND_OF_GLOBAL[_local(node)], node.get("name", ""))] = node

    def cut_get_state_result(self, service: Service) -> None:
        """Keep only ``service.get_state_branches`` in getStateResult's choice (in real order)."""
        namespace = self.docs_namespace(service.types_file)
        element = self.globals[(namespace, "element", "getStateResult")]
        choice = next(c for c in element.iter(f"{{{XS}}}choice") if any(b.get("ref") == "base:ErrorMessage" for b in c))
        labels = [_label(b) for b in choice]
        missing = set(service.get_state_branches) - set(labels)
        if missing:
            raise SystemExit(f"{service.folder}: getStateResult has no branch {sorted(missing)}")
        for branch in list(choice):
            if _label(branch) not in service.get_state_branches:
                choice.remove(branch)

    def docs_namespace(self, relative: str) -> str:
        return next(ns for ns, (rel, _) in self.docs.items() if rel == relative)

    def _derived_from(self, base: Key) -> list[Key]:
        """Global complex types whose content derives from ``base`` (one step)."""
        found = []
        for key, node in self.globals.items():
            if key[1] != "type":
                continue
            for derivation in node.iterfind(f"{{{XS}}}*/{{{XS}}}*[@base]"):
                if (*_split(derivation, derivation.get("base", "")),) == (base[0], base[2]):
                    found.append(key)
        return found

    def closure(self, roots: list[Key]) -> set[Key]:
        """Every global reached from ``roots``; an abstract type brings the types derived from it
        (an element of an abstract type is only ever valid with ``xsi:type`` naming one)."""
        kept: set[Key] = set()
        todo = list(roots)
        while todo:
            key = todo.pop()
            if key in kept or key[0] in (XS, DS):
                continue
            if key not in self.globals:
                raise SystemExit(f"no global {key} in the real contract")
            kept.add(key)
            node = self.globals[key]
            if key[1] == "type" and node.get("abstract") == "true":
                todo.extend(self._derived_from(key))
            for child in node.iter(f"{{{XS}}}*"):
                for attribute, value in child.attrib.items():
                    kind = _REF_KINDS.get((_local(child), str(attribute)))
                    if kind is not None:
                        for qname in value.split():
                            namespace, local = _split(child, qname)
                            todo.append((namespace, kind, local))
        return kept


def _used_prefixes(nodes: list[etree._Element]) -> set[str]:
    """Prefixes the kept components use in QNames and identity-constraint XPaths."""
    used = set()
    for top in nodes:
        for node in top.iter():
            for attribute, value in node.attrib.items():
                if attribute in ("ref", "type", "base", "itemType", "memberTypes", "refer", "substitutionGroup"):
                    used.update(q.rpartition(":")[0] for q in value.split() if ":" in q)
                elif attribute == "xpath":
                    used.update(step.split(":")[0].lstrip("./@") for step in value.split("/") if ":" in step)
    return used


def _write_xsd(contract: Contract, namespace: str, kept: set[Key]) -> tuple[str, str]:
    relative, real_root = contract.docs[namespace]
    nodes = [
        n
        for n in real_root
        if _local(n) in _KIND_OF_GLOBAL and (namespace, _KIND_OF_GLOBAL[_local(n)], n.get("name")) in kept
    ]
    own = next(p for p, u in real_root.nsmap.items() if u == namespace and p)
    nsmap = {"xs": XS, own: namespace}  # then the others the components use, by prefix
    for prefix in sorted(_used_prefixes(nodes) - set(nsmap)):
        nsmap[prefix] = real_root.nsmap[prefix]
    root = etree.Element(f"{{{XS}}}schema", nsmap=nsmap)  # type: ignore[arg-type]
    for attribute, value in real_root.attrib.items():
        root.set(attribute, value)
    locations = {i.get("namespace"): i.get("schemaLocation") for i in real_root.iter(f"{{{XS}}}import")}
    for uri in sorted(u for p, u in nsmap.items() if u not in (XS, namespace)):
        etree.SubElement(root, f"{{{XS}}}import", namespace=uri, schemaLocation=locations[uri] or "")
    for node in nodes:
        copy = etree.fromstring(etree.tostring(node))
        for child in copy.iter():
            child.text = child.text if child.text and child.text.strip() else None
            child.tail = None
        root.append(copy)
    etree.cleanup_namespaces(root, top_nsmap=nsmap, keep_ns_prefixes=list(nsmap))
    body = etree.tostring(root, pretty_print=True, encoding="unicode")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + XSD_HEADER.format(namespace=namespace) + "\n" + body
    return relative, text


def _write_wsdl(real: Path, service: Service) -> tuple[str, str]:
    doc = etree.parse(str(real / service.wsdl_file), _PARSER).getroot()
    for node in doc.iter(f"{{{WSDL}}}documentation"):
        node.getparent().remove(node)  # type: ignore[union-attr]
    port_type = doc.find(f"{{{WSDL}}}portType")
    binding = doc.find(f"{{{WSDL}}}binding")
    assert port_type is not None and binding is not None
    ops = {o.get("name"): o for o in port_type.findall(f"{{{WSDL}}}operation")}
    bops = {o.get("name"): o for o in binding.findall(f"{{{WSDL}}}operation")}
    messages = {m.get("name"): m for m in doc.findall(f"{{{WSDL}}}message")}
    address = doc.find(f"{{{WSDL}}}service/{{{WSDL}}}port/{{{SOAP}}}address")
    path = (address.get("location", "") if address is not None else "").rpartition("/")[2]
    headers: list[str] = []
    for name in service.operations:
        for node in bops[name].iter(f"{{{SOAP}}}header"):
            msg = node.get("message", "").rpartition(":")[2]
            if msg not in headers:
                headers.append(msg)
    order = ["Fault", *headers]
    for name in service.operations:
        for io in ops[name]:
            msg = io.get("message", "").rpartition(":")[2]
            if msg not in order:
                order.append(msg)
    elements = {p.get("element", "").partition(":")[0] for m in order for p in messages[m]}
    nsmap = {p: u for p, u in doc.nsmap.items() if p in ("wsdl", "soap", "xs", "tns") or p in elements}
    out = etree.Element(f"{{{WSDL}}}definitions", nsmap=nsmap)  # type: ignore[arg-type]
    out.set("targetNamespace", doc.get("targetNamespace", ""))
    types = etree.SubElement(etree.SubElement(out, f"{{{WSDL}}}types"), f"{{{XS}}}schema")
    types_ns = {u for p, u in nsmap.items() if p in elements} - {BASE}
    for uri in [*sorted(types_ns), BASE]:
        location = f"../xsd/{service.types_file}" if uri != BASE else "../xsd/lib/hcs-base.xsd"
        etree.SubElement(types, f"{{{XS}}}import", namespace=uri, schemaLocation=location)
    for name in order:
        out.append(messages[name])
    new_port = etree.SubElement(out, f"{{{WSDL}}}portType", name=port_type.get("name", ""))
    new_binding = etree.SubElement(out, f"{{{WSDL}}}binding", dict(binding.attrib))
    new_binding.append(binding.find(f"{{{SOAP}}}binding"))  # type: ignore[arg-type]
    for name in service.operations:
        new_port.append(ops[name])
        new_binding.append(bops[name])
    for node in doc.findall(f"{{{WSDL}}}service"):
        out.append(node)
    for child in out.iter():
        child.text = child.text if child.text and child.text.strip() else None
        child.tail = None
    etree.cleanup_namespaces(out, top_nsmap=nsmap, keep_ns_prefixes=list(nsmap))
    header = WSDL_HEADER.format(port=path, what=service.folder, count=len(service.operations))
    body = etree.tostring(out, pretty_print=True, encoding="unicode")
    return service.wsdl_file.rpartition("/")[2], '<?xml version="1.0" encoding="UTF-8"?>\n' + header + "\n" + body


def generate(real: Path) -> dict[Path, str]:
    contract = Contract(real)
    roots: list[Key] = [(BASE, "element", name) for name in BASE_ROOTS]
    for service in SERVICES:
        contract.cut_get_state_result(service)
        namespace = contract.docs_namespace(service.types_file)
        roots += [(namespace, "element", name) for name in service.roots]
    kept = contract.closure(roots)
    files: dict[Path, str] = {}
    for namespace in sorted({k[0] for k in kept}):
        relative, text = _write_xsd(contract, namespace, kept)
        files[OUT / relative] = text
    for service in SERVICES:
        name, text = _write_wsdl(real, service)
        files[OUT.parent / "wsdl" / name] = text
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("real", type=Path, help="the real contract, e.g. ../shared/gis-contract/16.3.0.0")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file differs")
    args = parser.parse_args(argv)
    differs = []
    for path, text in generate(args.real).items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        differs.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in differs:
        print(("differs: " if args.check else "wrote: ") + str(path.relative_to(OUT.parent)))
    return 1 if args.check and differs else 0


if __name__ == "__main__":
    sys.exit(main())
