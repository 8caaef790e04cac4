"""JSON documents ↔ request elements, driven by the contract's XSD (xmlschema's model of ``xsd/``).

A JSON body of a REST write is the content of the operation's request element: keys are the
child elements' local names (``"ApartmentHouse"``, ``"TransportGUID"``), a repeated element is a
list, a simple element is a string (numbers and booleans are written as XSD lexical forms), an
attribute is ``"@Name"``, the text of an element with attributes ``"$"``. The encoder walks the
XSD content model, so children come out in the order the schema wants whatever order the keys
had, and each child gets its own namespace (``base:TransportGUID`` beside ``hm:…``). Nothing here
knows an operation: a newly registered one gets its JSON form for free.

What the encoder cannot place (an unknown key, an object where text belongs) is FMT914001 with a
JSON pointer; everything else — required elements, patterns, lengths — is left to the same lxml
XSD validation every source's payload passes in ``Intake.submit``.

The model takes ≈ 1.5 s to build; it is built once per process on first use, never at import.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lxml import etree

from hub import ns
from hub.contract.schemas import _wrapper, default_xsd_dir
from hub.errors import E, HubError

if TYPE_CHECKING:  # xmlschema is imported on first use (≈ 0.3 s): not in every process's start
    import xmlschema
    from xmlschema.validators import XsdElement

VERSION = f"{{{ns.BASE}}}version"
SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"


@functools.cache
def model() -> xmlschema.XMLSchema10:
    """xmlschema's model of the hub's contract (every namespace's entry file), once per process."""
    import xmlschema

    return xmlschema.XMLSchema10(_wrapper(default_xsd_dir()).decode())


def request_element(qname: str, version: str, document: Any) -> etree._Element:
    """The request element ``qname`` (Clark name) with ``base:version`` = ``version``, from JSON."""
    declaration = model().maps.elements.get(qname)
    if declaration is None:  # pragma: no cover - the registry names only elements of the contract
        raise HubError(E.FMT900006, f"{qname} нет в схеме")
    if not isinstance(document, Mapping):
        raise HubError(E.FMT914001, "Тело запроса должно быть объектом JSON", where="/")
    element = etree.Element(qname, nsmap={prefix: uri for prefix, uri in ns.PREFIXES.items() if prefix != "soapenv"})
    element.set(VERSION, version)
    _fill(element, declaration, document, "")
    return element


def _children(declaration: XsdElement) -> dict[str, XsdElement]:
    """The element's possible children by local name, in content-model order (ds:Signature left out:
    a JSON write is authenticated by its token)."""
    from xmlschema.validators import XsdElement

    content = getattr(declaration.type, "content", None)
    if content is None or not hasattr(content, "iter_elements"):
        return {}
    found: dict[str, XsdElement] = {}
    for child in content.iter_elements():
        if isinstance(child, XsdElement) and child.name and child.name != SIGNATURE:
            found.setdefault(etree.QName(child.name).localname, child)
    return found


def _attributes(declaration: XsdElement) -> dict[str, str]:
    return {etree.QName(name).localname: name for name in declaration.attributes if name}


def _fill(element: etree._Element, declaration: XsdElement, document: Mapping[str, Any], pointer: str) -> None:
    children = _children(declaration)
    attributes = _attributes(declaration)
    for key, value in document.items():
        here = f"{pointer}/{key}"
        if key.startswith("@") and key[1:] in attributes and attributes[key[1:]] != VERSION:
            element.set(attributes[key[1:]], _lexical(value, here))
        elif key == "$" and declaration.type.has_simple_content():
            element.text = _lexical(value, here)
        elif key not in children:
            raise HubError(E.FMT914001, f"Элемент {key} не допускается в {etree.QName(element).localname}", where=here)
    for local, child in children.items():
        if local not in document or document[local] is None:
            continue
        values = document[local]
        many = isinstance(values, list)
        for index, value in enumerate(values if many else [values]):
            here = f"{pointer}/{local}" + (f"/{index}" if many else "")
            node = etree.SubElement(element, child.name)
            if isinstance(value, Mapping):
                if child.type.is_simple() or not (child.type.has_complex_content() or child.attributes or "$" in value):
                    raise HubError(E.FMT914001, f"Элемент {local} должен быть значением, а не объектом", where=here)
                _fill(node, child, value, here)
            elif isinstance(value, list):
                raise HubError(E.FMT914001, f"Элемент {local}: список внутри списка", where=here)
            elif child.type.has_complex_content():
                raise HubError(E.FMT914001, f"Элемент {local} должен быть объектом", where=here)
            else:
                node.text = _lexical(value, here)


def _lexical(value: Any, pointer: str) -> str:
    """A JSON scalar as the XSD lexical form: true/false, integers and decimals as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")
    if isinstance(value, str):
        return value
    raise HubError(E.FMT914001, "Ожидалось значение (строка, число или логическое)", where=pointer)


def document(element: etree._Element) -> dict[str, Any]:
    """The JSON form of a request element (the inverse of :func:`request_element`): what a SOAP
    client's payload looks like as a REST body. Lists where the XSD allows more than one."""
    declaration = model().maps.elements.get(element.tag)
    if declaration is None:
        raise HubError(E.FMT900006, f"{element.tag} нет в схеме")
    return _document(element, declaration)


def _document(element: etree._Element, declaration: XsdElement) -> dict[str, Any]:
    children = _children(declaration)
    out: dict[str, Any] = {}
    for name, text in element.attrib.items():
        if name != VERSION:
            out["@" + etree.QName(name).localname] = text
    if declaration.type.has_simple_content() and element.text is not None:
        out["$"] = element.text
    for node in element:
        if not isinstance(node.tag, str) or node.tag == SIGNATURE:
            continue
        local = etree.QName(node).localname
        child = children.get(local)
        if child is None:
            raise HubError(E.FMT914001, f"Элемент {local} не описан в схеме", where=local)
        if child.type.has_complex_content() or node.attrib:
            value: Any = _document(node, child)
        else:
            value = node.text or ""
        if child.max_occurs is None or child.max_occurs > 1:
            out.setdefault(local, []).append(value)
        elif local in out:  # once per occurrence of a repeated group
            out[local] = [*(out[local] if isinstance(out[local], list) else [out[local]]), value]
        else:
            out[local] = value
    return out
