"""Random VALID instances of a request element, driven by the real GIS XSD (16.3.0.0).

``RequestGenerator(contract_dir).instances(qname, versions=…, overrides=…)`` is a Hypothesis
strategy of lxml elements. It walks xmlschema's model of the real contract (the same entry
files ``tests/real_contract.py`` compiles for lxml): sequences in order, one branch of each
choice, every occurrence count between minOccurs and a small cap (``REPEATS``; minOccurs is
always honoured), attributes by their use, fixed and default values (libxml2 also accepts the
empty element, which then has the fixed/default value — a form a codec may not expect), and
the simple types with all their facets (``tests.fuzz.values``). The ``ds:Signature`` the XSD
allows in every request is left to the signer.

The oracle is lxml over the real XSD (``errors_under_real_xsd``), not this walk: each instance
is validated; one that breaks an identity constraint (two equal TransportGUIDs — Hypothesis
likes repeating values) is fixed up with fresh GUIDs, anything else still invalid is rejected
and counted. ``stats`` lets a test hold the walk to its promise (valid before fix-up ≥ 95 %).

``overrides`` maps an element's Clark or local name to a strategy of its text (None drawn: the
usual value): values that must point at stored objects (a house imported first), codes of the
hub's complete NSI books, anything a test wants fixed. Overridden values are validated like the
rest.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xmlschema
from hypothesis import reject
from hypothesis import strategies as st
from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from tests.fuzz.values import NCNAMES, simple_values
from tests.real_contract import _ENTRY_FILES, errors_under_real_xsd

XS = "http://www.w3.org/2001/XMLSchema"
DS = "http://www.w3.org/2000/09/xmldsig#"
BASE = "http://dom.gosuslugi.ru/schema/integration/base/"
VERSION = f"{{{BASE}}}version"
#: occurrences drawn above minOccurs at most (maxOccurs permitting)
REPEATS = 3
#: past this many elements an instance takes only what minOccurs requires (Hypothesis' buffer is finite)
ELEMENT_BUDGET = 160
#: the signed element's Id: the signature's Reference URI is ``#`` + Id, so an XML name
SIGNED_IDS = st.one_of(st.just("signed-data-container"), NCNAMES)
GUID = st.uuids().map(str)


@dataclass
class Stats:
    """What the generator drew: valid at once, valid after fix-up, rejected."""

    valid_first: int = 0
    fixed_up: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def drawn(self) -> int:
        return self.valid_first + self.fixed_up + self.rejected


@functools.cache
def contract_model(contract_dir: Path) -> xmlschema.XMLSchema10:
    """xmlschema's model of the contract's served services (the entry files of ``tests.real_contract``)."""
    imports = "".join(
        f'<xs:import namespace="{namespace}" schemaLocation="{(contract_dir / relative).resolve().as_uri()}"/>'
        for namespace, relative in _ENTRY_FILES
    )
    return xmlschema.XMLSchema10(f'<xs:schema xmlns:xs="{XS}">{imports}</xs:schema>')


@dataclass
class _Draw:
    """One instance being built."""

    draw: st.DrawFn
    versions: Sequence[str]
    overrides: Mapping[str, st.SearchStrategy[str | None]]
    elements: int = 0
    #: elements whose text an override chose (a repeat among them is the fix-up's, and counted)
    overridden: set[etree._Element] = field(default_factory=set)


class RequestGenerator:
    """Instances of the real contract's global elements; ``stats`` over everything it drew."""

    def __init__(self, contract_dir: Path) -> None:
        self.contract_dir = contract_dir
        self.model = contract_model(contract_dir)
        self.stats = Stats()
        self._simple: dict[int, st.SearchStrategy[str]] = {}

    def declaration(self, qname: str) -> XsdElement:
        return self.model.maps.elements[qname]

    def instances(
        self,
        qname: str,
        *,
        versions: Sequence[str] = (),
        overrides: Mapping[str, st.SearchStrategy[str | None]] | None = None,
    ) -> st.SearchStrategy[etree._Element]:
        """Valid instances of the global element ``qname`` (Clark notation).

        ``versions``: the ``base:version`` values to draw (the registry's accepted ones);
        ``overrides``: element Clark name or local name (the Clark name wins) → strategy of its
        text; a drawn None means "generate it as usual", so an override can mix its values in.
        """
        declaration = self.declaration(qname)

        @st.composite
        def build(draw: st.DrawFn) -> etree._Element:
            state = _Draw(draw, versions, overrides or {})
            root = self._element(state, declaration, None)
            return self._checked(state, root)

        return build()

    # ── validity ──────────────────────────────────────────────────────────────────────────

    def errors(self, element: etree._Element) -> list[str]:
        return errors_under_real_xsd(element, self.contract_dir)

    def _checked(self, state: _Draw, root: etree._Element) -> etree._Element:
        errors = self.errors(root)
        if not errors:
            self.stats.valid_first += 1
            return root
        if self._fix_identities(state, root) and not self.errors(root):
            self.stats.fixed_up += 1
            return root
        self.stats.rejected += 1
        self.stats.reasons.append(errors[0])
        reject()
        raise AssertionError("unreachable: reject() raises")

    def _fix_identities(self, state: _Draw, root: etree._Element) -> bool:
        """Give every duplicated GUID among the keys/uniques of ``root``'s declaration a fresh one."""
        changed = False
        for identity in self.declaration(root.tag).identities:
            if [f.path for f in identity.fields] != ["."]:
                continue
            namespaces = {k: v for k, v in identity.selector.namespaces.items() if k}
            seen: set[str] = set()
            for node in root.xpath(identity.selector.path, namespaces=namespaces):
                value = node.text or ""
                if value in seen and _is_guid(value):
                    taken = frozenset(seen)
                    node.text = state.draw(GUID.filter(lambda g, taken=taken: g not in taken))
                    changed = True
                seen.add(node.text or "")
        return changed

    # ── the walk ──────────────────────────────────────────────────────────────────────────

    def _element(self, state: _Draw, declaration: XsdElement, parent: etree._Element | None) -> etree._Element:
        if declaration.abstract:
            raise NotImplementedError(f"abstract element {declaration.name} (substitution groups)")
        if parent is None:
            element = etree.Element(declaration.name, nsmap=_prefixes(declaration))
        else:
            element = etree.SubElement(parent, declaration.name)
        state.elements += 1
        self._attributes(state, element, declaration.attributes, root=parent is None)
        xsd_type = declaration.type
        override = state.overrides.get(declaration.name, state.overrides.get(declaration.local_name))
        chosen = state.draw(override) if override is not None else None
        if chosen is not None:
            element.text = chosen
            state.overridden.add(element)
        elif declaration.fixed is not None or declaration.default is not None:
            element.text = self._preset(state, declaration)
        elif xsd_type.is_simple():
            element.text = state.draw(self._values(xsd_type))
        elif xsd_type.has_simple_content():
            element.text = state.draw(self._values(xsd_type.content))
        elif xsd_type.content is not None and not xsd_type.is_empty():
            self._group(state, xsd_type.content, element)
            self._identities(state, declaration, element)
        return element

    def _identities(self, state: _Draw, declaration: XsdElement, element: etree._Element) -> None:
        """Honour ``declaration``'s single-field identity constraints in the walk: repeated GUIDs of
        a key or unique get fresh ones, and each keyref points at values of the key it refers to
        (a ContractSubject's TransportGUID for a PairKey), spread over them, when the key has any."""
        for identity in declaration.identities:  # keys first: the keyrefs then point at their values
            if getattr(identity, "refer", None) is None and [f.path for f in identity.fields] == ["."]:
                seen: set[str] = set()
                for node in element.xpath(identity.selector.path, namespaces=_namespaces(identity)):
                    # a repeat an override made is left to the fix-up after the walk, which counts it
                    if (node.text or "") in seen and _is_guid(node.text or "") and node not in state.overridden:
                        taken = frozenset(seen)
                        node.text = state.draw(GUID.filter(lambda g, taken=taken: g not in taken))
                    seen.add(node.text or "")
        for identity in declaration.identities:
            refer = getattr(identity, "refer", None)
            if refer is None or isinstance(refer, str):
                continue
            if [f.path for f in identity.fields] != ["."] or [f.path for f in refer.fields] != ["."]:
                continue
            keys = [n.text for n in element.xpath(refer.selector.path, namespaces=_namespaces(refer)) if n.text]
            if not keys:  # nothing to point at (no ObjectAddress): drop what refers (a Quality …)
                for node in element.xpath(identity.selector.path, namespaces=_namespaces(identity)):
                    _drop_below(element, node)
                continue
            order = state.draw(st.permutations(keys))
            used: dict[etree._Element, set[str]] = {}
            for i, node in enumerate(element.xpath(identity.selector.path, namespaces=_namespaces(identity))):
                _refer(node, order[i % len(order) :] + order[: i % len(order)], used)

    def _preset(self, state: _Draw, declaration: XsdElement) -> str | None:
        """A fixed value is written as fixed or left empty (None: no text node at all, which is
        what libxml2 reads as "the fixed value"); a default one may be anything else too."""
        if declaration.fixed is not None:
            return state.draw(st.sampled_from([str(declaration.fixed), None]))
        xsd_type = declaration.type
        simple = xsd_type if xsd_type.is_simple() else xsd_type.content
        values: st.SearchStrategy[str | None] = self._values(simple)
        return state.draw(st.one_of(st.just(str(declaration.default)), st.none(), values))

    def _attributes(self, state: _Draw, element: etree._Element, attributes: Any, *, root: bool) -> None:
        for name, attribute in attributes.items():
            if name is None or attribute.use == "prohibited":  # an anyAttribute wildcard
                continue
            if name == "Id":
                if root:
                    element.set("Id", state.draw(SIGNED_IDS))
                continue
            if name == VERSION and state.versions:
                element.set(name, state.draw(st.sampled_from(list(state.versions))))
                continue
            if attribute.use != "required" and not state.draw(st.booleans()):
                continue
            value = attribute.fixed if attribute.fixed is not None else state.draw(self._values(attribute.type))
            element.set(name, value)

    def _group(self, state: _Draw, group: XsdGroup, parent: etree._Element) -> None:
        for _ in range(self._occurs(state, group)):
            if group.model == "choice":
                branch = state.draw(st.sampled_from([p for p in group if not _skipped(p)]))
                self._particle(state, branch, parent)
            else:
                particles = list(group)
                if group.model == "all":
                    particles = state.draw(st.permutations(particles))
                for particle in particles:
                    self._particle(state, particle, parent)

    def _particle(self, state: _Draw, particle: Any, parent: etree._Element) -> None:
        if isinstance(particle, XsdGroup):
            self._group(state, particle, parent)
            return
        if _skipped(particle):
            if particle.min_occurs:
                raise NotImplementedError(f"required {particle} (a wildcard or ds:Signature)")
            return
        assert isinstance(particle, XsdElement), particle
        for _ in range(self._occurs(state, particle)):
            self._element(state, particle, parent)

    def _occurs(self, state: _Draw, particle: Any) -> int:
        low = int(particle.min_occurs)
        cap = low if state.elements >= ELEMENT_BUDGET else max(low, REPEATS)
        high = cap if particle.max_occurs is None else min(int(particle.max_occurs), cap)
        return int(state.draw(st.integers(low, high))) if high > low else low

    def _values(self, simple_type: Any) -> st.SearchStrategy[str]:
        key = id(simple_type)
        if key not in self._simple:
            self._simple[key] = simple_values(simple_type)
        return self._simple[key]


def _skipped(particle: Any) -> bool:
    """Wildcards and the ds:Signature the signer adds are not generated."""
    if isinstance(particle, XsdAnyElement):
        return True
    return isinstance(particle, XsdElement) and str(particle.name).startswith(f"{{{DS}}}")


def _drop_below(top: etree._Element, node: etree._Element) -> None:
    """Remove the child of ``top`` that holds ``node`` (an optional block, in the contracts we serve)."""
    child = node
    while child.getparent() is not None and child.getparent() is not top:
        child = child.getparent()
    if child.getparent() is top:
        top.remove(child)


def _refer(node: etree._Element, keys: Sequence[str], used: dict[etree._Element, set[str]]) -> None:
    """Give ``node`` a key not yet used in its group, which a key of its own may forbid to repeat:
    its repeats within one container (Norm_AddressObjectKey), else the containers within theirs
    (ObjectAddress_PairKey over Pairs). With none left, drop the repeated node or container."""
    container = node.getparent()
    repeats = container is not None and len(container.findall(node.tag)) > 1
    outer = container if repeats else (container.getparent() if container is not None else None)
    taken = used.setdefault(outer if outer is not None else node, set())
    free = [k for k in keys if k not in taken]
    if not free and container is not None:
        if repeats:
            container.remove(node)
            return
        if outer is not None and len(outer.findall(container.tag)) > 1:
            outer.remove(container)
            return
    node.text = (free or list(keys))[0]
    taken.add(node.text)


def _namespaces(identity: Any) -> dict[str, str]:
    return {k: v for k, v in identity.selector.namespaces.items() if k}


def _prefixes(declaration: XsdElement) -> dict[str, str]:
    """The prefixes the element's schema document uses (readable instances, no ns0/ns1)."""
    skip = {"", "xml", "xs", "xsd"}
    return {prefix: uri for prefix, uri in declaration.schema.namespaces.items() if prefix not in skip and uri}


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
