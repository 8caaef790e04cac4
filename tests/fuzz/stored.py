"""Values that point at stored objects: a reference house and accounts imported first.

Random GUIDs in an account's Accommodation or in a …ToUpdate only ever meet "not found" rules;
half the hub (placing and updating accounts, updating premises, exporting what exists) would go
untested. So ``OVERRIDES`` makes the generator draw, besides random values, the reference
house's FIAS GUID and placeholder GUIDs for its premises, rooms, entrances, lifts and accounts.
The instances are drawn once per session, while the hub assigns those GUIDs per running hub:
the test imports ``reference_house()`` and ``reference_accounts(…)`` into each hub,
``placeholders_of`` maps placeholder → stored GUID, and ``resolve`` puts the stored GUIDs into
an instance's text before it is signed (a GUID for a GUID: still valid).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from hypothesis import strategies as st
from lxml import etree

from hub import ns
from testkit import supply
from testkit.accounts import Acc, import_request
from testkit.devices import Dev
from testkit.devices import import_request as import_devices_request
from tests.contract.instances import HouseShape, guid, import_house_uo_apartment
from tests.houses.rig import Result

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE
REFERENCE_SEED = "fuzz-reference"
REFERENCE_FIAS = guid(REFERENCE_SEED + ":fias")
#: how many stored objects of each kind the reference house has (placeholders per kind)
PLACES = 2
#: the GUID element of each stored kind, and the import elements that create that kind
KINDS = {
    "PremisesGUID": ("ResidentialPremisesToCreate", "NonResidentialPremiseToCreate"),
    "LivingRoomGUID": ("LivingRoomToCreate",),
    "EntranceGUID": ("EntranceToCreate",),
    "LiftGUID": ("LiftToCreate",),
    "AccountGUID": ("Account",),
    "MeteringDeviceVersionGUID": ("MeteringDevice",),
}
#: the GUIDs of the reference supply contracts (``reference_contracts``) a request may name
CONTRACT_KINDS = ("ContractRootGUID", "ContractGUID")
_NAMESPACE = uuid.UUID("6f1c0a52-3c5e-4b8e-9a57-2f1d52c0f0aa")


def placeholder(kind: str, index: int) -> str:
    """A valid GUID standing for the ``index``-th stored object of ``kind`` until ``resolve``."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{index}"))


def _sometimes(values: list[str], *, weight: int) -> st.SearchStrategy[str | None]:
    """One of ``values`` ``weight`` times in three, else None (the generator's own value)."""
    ours: st.SearchStrategy[str | None] = st.sampled_from(values)
    return st.one_of(*[ours] * weight, *[st.none()] * (3 - weight))


#: element Clark/local name → its text: stored objects or known codes often, random values otherwise
OVERRIDES: dict[str, st.SearchStrategy[str | None]] = {
    # a third of the houses are the reference house (updates find it, creates collide with it)
    "FIASHouseGuid": _sometimes([REFERENCE_FIAS], weight=1),
    **{kind: _sometimes([placeholder(kind, i) for i in range(PLACES)], weight=2) for kind in KINDS},
    # metering devices name premises "PremiseGUID" (the same stored premises)
    "PremiseGUID": _sometimes([placeholder("PremisesGUID", i) for i in range(PLACES)], weight=3),
    # …and link to, or are replaced by, other stored devices
    **{
        name: _sometimes([placeholder("MeteringDeviceVersionGUID", i) for i in range(PLACES)], weight=3)
        for name in ("LinkedMeteringDeviceVersionGUID", "ReplacingMeteringDeviceVersionGUID")
    },
    # NSI 24 is the one book the hub has completely (its seed): any other code is INT002000
    f"{{{ns.NSI_BASE}}}Code": _sometimes(["1", "2", "3"], weight=2),
    # the reference supply contracts (imported by the fuzz РСО): exports by GUID find them, and
    # updates, terminations and annulments reach the hub's rules for an existing contract
    **{kind: _sometimes([placeholder(kind, i) for i in range(PLACES)], weight=2) for kind in CONTRACT_KINDS},
    # NSI 24 ships complete in the group NSI: the common-books exports find it
    f"{{{ns.NSI_COMMON}}}RegistryNumber": _sometimes(["24"], weight=2),
    f"{{{ns.NSI_BASE}}}ListGroup": _sometimes(["NSI"], weight=2),
    # the ОГРН of the test hub's first organization: the registry search finds it
    f"{{{ns.ORGANIZATIONS_BASE}}}OGRN": _sometimes(["1027700000001"], weight=2),
    f"{{{ns.ORGANIZATIONS_BASE}}}KPP": _sometimes(["770001001"], weight=2),
    f"{{{ns.ORG_REGISTRY_COMMON}}}lastEditingDateFrom": _sometimes(["2000-01-01"], weight=2),
}


def reference_house() -> etree._Element:
    """The house every hub gets first: 2 entrances, 2 premises each with 2 rooms, two lifts."""
    shape = HouseShape(entrances=2, premises_per_entrance=1, rooms_per_premises=2, non_residential=1, lifts=2)
    return import_house_uo_apartment(shape=shape, seed=REFERENCE_SEED)


def reference_accounts(premises: list[str]) -> etree._Element:
    """One account on each of the reference house's premises (their stored GUIDs)."""
    return import_request([Acc([("PremisesGUID", g, "100")], number=f"FUZZ-{i}") for i, g in enumerate(premises)])


def reference_devices(premises: list[str], accounts: list[str]) -> etree._Element:
    """One cold-water device in each of the reference house's premises, linked to its account."""
    return import_devices_request(
        [
            Dev("ResidentialPremiseDevice", [g], number=f"FUZZ-{i}", accounts=[a])
            for i, (g, a) in enumerate(zip(premises, accounts, strict=True))
        ]
    )


def placeholders_of(request: etree._Element, results: list[Result]) -> dict[str, str]:
    """Placeholder → stored GUID, for every kind ``request`` created (by its parsed results)."""
    stored = {r.transport_guid: r.guid for r in results}
    mapping = {}
    for kind, creators in KINDS.items():
        created = [el for el in request.iter(*(f"{{{HM}}}{c}" for c in creators))]
        if not created:
            continue
        guids = [stored.get(el.findtext(f"{{{BASE}}}TransportGUID")) for el in created]
        found = [g for g in guids if g]
        assert len(found) >= PLACES, f"the reference import stored {len(found)} of {kind}"
        mapping.update({placeholder(kind, i): found[i] for i in range(PLACES)})
    return mapping


def resolve(text: str, stored: Mapping[str, str]) -> str:
    """``text`` with every placeholder replaced by the stored GUID it stands for."""
    for stand_in, real in stored.items():
        text = text.replace(stand_in, real)
    return text


def reference_contracts() -> etree._Element:
    """Supply contracts of the fuzz РСО for the reference house (hot water; heat from 2024-03-01)."""
    return supply.import_request(
        [
            supply.Drso(
                objects=[supply.Obj(REFERENCE_FIAS, (0, 1))],
                subjects=[supply.Subj("3", "2"), supply.Subj("4", "4", start="2024-03-01")],
                number=f"FUZZ-{i}",
            )
            for i in range(PLACES)
        ]
    )


def contract_placeholders(import_result: etree._Element) -> dict[str, str]:
    """Placeholder → stored GUID for the contracts ``reference_contracts`` placed (in order)."""
    commons = list(import_result.iter(f"{{{HM}}}CommonResult"))
    assert len(commons) == PLACES, etree.tostring(import_result)[:2000]
    mapping = {}
    for i, common in enumerate(commons):
        added = common.find(f"{{{HM}}}ImportSupplyResourceContract")
        assert added is not None, etree.tostring(common)
        mapping[placeholder("ContractGUID", i)] = added.findtext(f"{{{HM}}}ContractGUID") or ""
        mapping[placeholder("ContractRootGUID", i)] = added.findtext(f"{{{HM}}}ContractRootGUID") or ""
    return mapping
