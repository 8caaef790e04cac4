"""Recursive structural comparison of two XSD components (ours against the real GIS one).

Used by ``test_fidelity.py``. Both sides are loaded with ``xmlschema``; ``Comparer`` walks
particles (sequence/choice/all, element names in order, min/maxOccurs), simple-type facets,
attributes (use, fixed, default), identity constraints and wildcards, and collects readable
differences instead of stopping at the first.

The one place where ours may differ is the branch choice of a service's ``getStateResult``: we
keep only the branches of the operations we serve. ``Comparer`` lets that choice be a subset
of the real one (each kept branch still compared in full) and records the labels it kept in
``kept_branches``, so that the test asserts them explicitly instead of trusting the subset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import xmlschema
from xmlschema.validators import (
    XsdAnyElement,
    XsdAttribute,
    XsdComplexType,
    XsdElement,
    XsdGroup,
    XsdSimpleType,
)

XSD_NS = "http://www.w3.org/2001/XMLSchema"

#: the branch choice of getStateResult: directly in the extension's sequence (most services) or
#: one sequence further down (organizations-registry-common wraps it with IsNextPage)
GET_STATE_CHOICE = re.compile(r"getStateResult/complexType/content/sequence(\[\d+\]/sequence)?\[\d+\]/choice")

KINDS = ("elements", "types", "attributes", "groups", "attribute_groups")


@cache
def load_xs(path: Path) -> xmlschema.XMLSchema:
    """``xmlschema`` of one file (and what it imports), loaded once per test process."""
    return xmlschema.XMLSchema(str(path))


def occurs(p: Any) -> tuple[int, int | None]:
    return (p.min_occurs, p.max_occurs)


def name_of(component: Any) -> str | None:
    return None if component is None else component.name


def branch_label(p: Any) -> str:
    """A choice branch by name: an element's local name, a group's first element's."""
    if isinstance(p, XsdGroup):
        return next(branch_label(c) for c in p)
    return str(p.local_name)


def label(p: Any) -> str:
    if isinstance(p, XsdGroup):
        return str(p.model)
    return str(getattr(p, "local_name", None) or type(p).__name__)


def facets(t: XsdSimpleType) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, facet in (t.facets or {}).items():
        if key is None:  # assertion facets etc.: none in GIS schemas
            continue
        local = key.split("}")[-1]
        if local == "pattern":
            out[local] = list(facet.regexps)
        elif local == "enumeration":
            out[local] = list(facet.enumeration)
        else:
            out[local] = getattr(facet, "value", repr(facet))
    return out


def identities(e: XsdElement) -> list[tuple[str, str | None, str, list[str], str | None]]:
    def expand(path: str, namespaces: dict[str, str]) -> str:
        for prefix, uri in namespaces.items():
            if prefix:
                path = path.replace(prefix + ":", "{" + uri + "}")
        return path

    out = []
    for ident in e.identities:
        namespaces = dict(ident.selector.namespaces)
        refer = getattr(ident, "refer", None)
        out.append(
            (
                type(ident).__name__,
                ident.name,
                expand(ident.selector.path, namespaces),
                [expand(f.path, namespaces) for f in ident.fields],
                name_of(refer) if refer is not None and not isinstance(refer, str) else refer,
            )
        )
    return out


def globals_in(schema: xmlschema.XMLSchema, namespace: str | None = None) -> Iterator[tuple[str, str, Any]]:
    """(kind, Clark name, component) of every GIS-or-ds global the schema set declares
    (only those of ``namespace`` when given)."""
    for kind in KINDS:
        for name, component in getattr(schema.maps, kind).items():
            if name.startswith("{" + XSD_NS) or not name.startswith("{"):
                continue
            if "XMLSchema-instance" in name or "www.w3.org/XML/1998" in name:
                continue
            if namespace is not None and not name.startswith("{" + namespace + "}"):
                continue
            yield kind, name, component


class Comparer:
    """Recursive structural comparison; collects readable differences."""

    def __init__(self) -> None:
        self.diffs: list[str] = []
        self._seen: set[tuple[int, int]] = set()
        self.kept_branches: dict[str, list[str]] = {}  # getStateResult choice path → labels we keep

    def diff(self, path: str, what: str, ours: object, real: object) -> None:
        self.diffs.append(f"{path}: {what}: ours={ours!r} real={real!r}")

    def component(self, kind: str, ours: Any, real: Any, path: str) -> None:
        """Compare two global components of ``kind`` (a key of ``KINDS``)."""
        if kind == "elements":
            self.element(ours, real, path)
        elif kind == "types":
            self.type(ours, real, path)
        elif kind == "attributes":
            for attr in ("use", "fixed", "default"):
                if getattr(ours, attr) != getattr(real, attr):
                    self.diff(path, attr, getattr(ours, attr), getattr(real, attr))
            self.type(ours.type, real.type, path)
        elif kind == "groups":
            self.group(ours, real, path)
        else:
            self.attributes(ours, real, path)

    def element(self, ours: XsdElement, real: XsdElement, path: str) -> None:
        if ours.name != real.name:
            self.diff(path, "element name", ours.name, real.name)
            return
        for attr in ("min_occurs", "max_occurs", "fixed", "default", "nillable", "abstract"):
            if getattr(ours, attr) != getattr(real, attr):
                self.diff(path, attr, getattr(ours, attr), getattr(real, attr))
        if identities(ours) != identities(real):
            self.diff(path, "identity constraints", identities(ours), identities(real))
        self.type(ours.type, real.type, path)

    def type(self, ours: Any, real: Any, path: str) -> None:
        if name_of(ours) != name_of(real):
            self.diff(path, "type name", name_of(ours), name_of(real))
            return
        if ours.name is not None and ours.name.startswith("{" + XSD_NS):
            return
        key = (id(ours), id(real))
        if key in self._seen:
            return
        self._seen.add(key)
        if ours.is_simple() != real.is_simple():
            self.diff(path, "simple/complex", ours.is_simple(), real.is_simple())
            return
        if isinstance(ours, XsdSimpleType):
            self.simple(ours, real, path)
        else:
            self.complex(ours, real, path)

    def simple(self, ours: XsdSimpleType, real: XsdSimpleType, path: str) -> None:
        for attr in ("is_atomic", "is_list", "is_union"):
            if getattr(ours, attr)() != getattr(real, attr)():
                self.diff(path, attr, getattr(ours, attr)(), getattr(real, attr)())
        if facets(ours) != facets(real):
            self.diff(path, "facets", facets(ours), facets(real))
        ob, rb = getattr(ours, "base_type", None), getattr(real, "base_type", None)
        if (ob is None) != (rb is None):
            self.diff(path, "base type", name_of(ob), name_of(rb))
        elif ob is not None:
            self.type(ob, rb, path + "/restriction")
        if ours.is_list():
            self.type(ours.item_type, real.item_type, path + "/list")
        if ours.is_union():
            om, rm = ours.member_types, real.member_types
            if len(om) != len(rm):
                self.diff(path, "union members", len(om), len(rm))
            for i, (a, b) in enumerate(zip(om, rm, strict=False)):
                self.type(a, b, f"{path}/union[{i}]")

    def complex(self, ours: XsdComplexType, real: XsdComplexType, path: str) -> None:
        path += "/complexType"
        for attr in ("derivation", "mixed", "abstract"):
            if getattr(ours, attr) != getattr(real, attr):
                self.diff(path, attr, getattr(ours, attr), getattr(real, attr))
        if name_of(ours.base_type) != name_of(real.base_type):
            self.diff(path, "base type", name_of(ours.base_type), name_of(real.base_type))
        self.attributes(ours, real, path)
        oc, rc = ours.content, real.content
        if isinstance(oc, XsdGroup) and isinstance(rc, XsdGroup):
            self.group(oc, rc, path + "/content")
        elif isinstance(oc, XsdGroup) or isinstance(rc, XsdGroup):
            self.diff(path, "content kind", type(oc).__name__, type(rc).__name__)
        else:
            self.type(oc, rc, path + "/simpleContent")

    def attributes(self, ours: Any, real: Any, path: str) -> None:
        oa, ra = dict(ours.attributes.items()), dict(real.attributes.items())
        if set(oa) != set(ra):
            self.diff(path, "attribute names", sorted(map(str, oa)), sorted(map(str, ra)))
        for name in set(oa) & set(ra):
            a, b = oa[name], ra[name]
            where = f"{path}/@{name}"
            if isinstance(a, XsdAttribute) and isinstance(b, XsdAttribute):
                for attr in ("use", "fixed", "default", "form"):
                    if getattr(a, attr, None) != getattr(b, attr, None):
                        self.diff(where, attr, getattr(a, attr, None), getattr(b, attr, None))
                self.type(a.type, b.type, where)
            else:  # attribute wildcard
                for attr in ("namespace", "process_contents"):
                    if getattr(a, attr, None) != getattr(b, attr, None):
                        self.diff(where, attr, getattr(a, attr, None), getattr(b, attr, None))

    def group(self, ours: XsdGroup, real: XsdGroup, path: str) -> None:
        path += "/" + ours.model
        if ours.model != real.model:
            self.diff(path, "model", ours.model, real.model)
            return
        if occurs(ours) != occurs(real):
            self.diff(path, "occurs", occurs(ours), occurs(real))
        if name_of(ours) != name_of(real):
            self.diff(path, "named group", name_of(ours), name_of(real))
        o, r = list(ours), list(real)
        if GET_STATE_CHOICE.fullmatch(path):
            # Allowed: a subset of the real branches, in the real order, each identical.
            self.kept_branches[path] = [branch_label(p) for p in o]
            by_label = {branch_label(p): p for p in r}
            order = [branch_label(p) for p in r]
            if [x for x in order if x in self.kept_branches[path]] != self.kept_branches[path]:
                self.diff(path, "branches not a subset in the real order", self.kept_branches[path], order)
            for p in o:
                match = by_label.get(branch_label(p))
                if match is not None:
                    self.particle(p, match, f"{path}/{branch_label(p)}")
            return
        if len(o) != len(r):
            self.diff(path, "particle count", [label(p) for p in o], [label(p) for p in r])
            return
        for i, (a, b) in enumerate(zip(o, r, strict=True)):
            self.particle(a, b, f"{path}[{i}]" + (f"/{a.local_name}" if isinstance(a, XsdElement) else ""))

    def particle(self, a: Any, b: Any, path: str) -> None:
        if type(a) is not type(b):
            self.diff(path, "particle kind", label(a), label(b))
        elif isinstance(a, XsdGroup):
            self.group(a, b, path)
        elif isinstance(a, XsdElement):
            self.element(a, b, path)
        elif isinstance(a, XsdAnyElement):
            for attr in ("namespace", "process_contents", "min_occurs", "max_occurs"):
                if getattr(a, attr) != getattr(b, attr):
                    self.diff(path, attr, getattr(a, attr), getattr(b, attr))
