"""XML namespaces used by the contract, as constants (zeep's ``ns.py`` habit)."""

from __future__ import annotations

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
WCF_ADDRESSING_NONE = "http://schemas.microsoft.com/ws/2005/05/addressing/none"

_GIS = "http://dom.gosuslugi.ru/schema/integration/"
BASE = _GIS + "base/"
HOUSE_MANAGEMENT = _GIS + "house-management/"
HOUSE_MANAGEMENT_SERVICE = _GIS + "house-management-service-async/"
ACCOUNT_BASE = _GIS + "account-base/"
PREMISES_BASE = _GIS + "premises-base/"
NSI_BASE = _GIS + "nsi-base/"
NSI_COMMON = _GIS + "nsi-common/"
NSI_COMMON_SERVICE = _GIS + "nsi-common-service-async/"
ORGANIZATIONS_BASE = _GIS + "organizations-base/"
ORGANIZATIONS_REGISTRY_BASE = _GIS + "organizations-registry-base/"
ORG_REGISTRY_COMMON = _GIS + "organizations-registry-common/"
ORG_REGISTRY_COMMON_SERVICE = _GIS + "organizations-registry-common-service-async/"
INDIVIDUAL_REGISTRY_BASE = _GIS + "individual-registry-base/"
BILLS_BASE = _GIS + "bills-base/"
PAYMENTS_BASE = _GIS + "payments-base/"
METERING_DEVICE_BASE = _GIS + "metering-device-base/"
DEVICE_METERING = _GIS + "device-metering/"
DEVICE_METERING_SERVICE = _GIS + "device-metering-service-async/"
NSI = _GIS + "nsi/"
NSI_SERVICE = _GIS + "nsi-service-async/"
BILLS = _GIS + "bills/"
BILLS_SERVICE = _GIS + "bills-service-async/"

#: Prefixes used when the hub writes XML; GIS messages use the same ones.
PREFIXES: dict[str, str] = {
    "soapenv": SOAP_ENV,
    "base": BASE,
    "hm": HOUSE_MANAGEMENT,
    "ds": DS,
    "xades": XADES,
    "account-base": ACCOUNT_BASE,
    "premises-base": PREMISES_BASE,
    "nsi-base": NSI_BASE,
    "nsi-common": NSI_COMMON,
    "organizations-base": ORGANIZATIONS_BASE,
    "organizations-registry-base": ORGANIZATIONS_REGISTRY_BASE,
    "ro": ORG_REGISTRY_COMMON,
    "individual-registry-base": INDIVIDUAL_REGISTRY_BASE,
    "metering-device-base": METERING_DEVICE_BASE,
    "dm": DEVICE_METERING,
    "nsi": NSI,
    "b": BILLS,
    "bills-base": BILLS_BASE,
}


def qname(namespace: str, local: str) -> str:
    """Clark notation ``{ns}local`` as lxml uses it."""
    return f"{{{namespace}}}{local}"
