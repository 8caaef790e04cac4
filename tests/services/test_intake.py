"""The one intake: the same checks and the same commit for every source, signed or not.

Over the in-memory inbox and queue (our own small interfaces) and the real schemas: a REST- or
upload-shaped submission (no signature) is accepted and stored with its provenance; every
refusal leaves nothing stored and nothing queued.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.contract.payload import Payload
from hub.contract.registry import Operation, registry
from hub.contract.schemas import Schemas
from hub.errors import HubError
from hub.services.intake import Intake, Provenance, Source, Submission
from hub.services.ports import Organization
from tests.fakes import FakeInbox, FakeQueue

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "requests"
ORG = Organization(1, str(uuid.uuid4()), "УК", "1027700000001", "7700000001", "770001001", ("УО",))


def _operation(name: str) -> Operation:
    operation = registry().operation(name)
    assert operation is not None
    return operation


def _sample(operation: Operation) -> etree._Element:
    assert operation.sample is not None
    return etree.fromstring((SAMPLES / operation.sample).read_bytes())


def _rest(raw: bytes = b'{"accounts": []}') -> Provenance:
    return Provenance(source=Source.REST, raw=raw, authenticated_by="token", detail={"token": "t-1"})


def _submission(element: etree._Element, name: str = "importAccountData", **changes: object) -> Submission:
    submission = Submission(
        operation=_operation(name),
        payload=Payload.unsigned(element),
        sender=ORG,
        requester_message_guid=str(uuid.uuid4()),
        provenance=_rest(),
    )
    return replace(submission, **changes)  # type: ignore[arg-type]


@pytest.fixture
def intake() -> tuple[Intake, FakeInbox, FakeQueue]:
    inbox, queue = FakeInbox(), FakeQueue()
    return Intake(inbox=inbox, queue=queue, schemas=Schemas.load()), inbox, queue


def test_an_unsigned_submission_is_stored_with_its_provenance_and_queued(
    intake: tuple[Intake, FakeInbox, FakeQueue],
) -> None:
    service, inbox, queue = intake
    element = _sample(_operation("importAccountData"))
    submission = _submission(element)

    ack = service.submit(submission)

    [stored] = inbox.added
    assert (stored.source, stored.authenticated_by, stored.raw) == ("rest", "token", b'{"accounts": []}')
    assert dict(stored.provenance) == {"token": "t-1"}
    assert stored.certificate_fingerprint is None and stored.signature_digest is None
    assert stored.payload == etree.tostring(element) and stored.version == "10.0.1.1"
    assert (stored.operation, stored.service, stored.sender_id) == ("importAccountData", "home-management", ORG.id)
    assert queue.enqueued == [inbox.entries[1].id] and ack.message_guid == stored.message_guid
    # the same content resent under the same id gets the same Ack, and nothing new
    again = service.submit(replace(submission, payload=Payload.unsigned(copy.deepcopy(element))))
    assert (again.message_guid, again.duplicate) == (ack.message_guid, True)
    assert len(inbox.added) == 1 and len(queue.enqueued) == 1


def _refused(intake: tuple[Intake, FakeInbox, FakeQueue], submission: Submission) -> HubError:
    service, inbox, queue = intake
    with pytest.raises(HubError) as info:
        service.submit(submission)
    assert inbox.added == [] and queue.enqueued == []
    return info.value


def test_more_objects_than_one_request_may_carry_are_refused_with_the_limit(
    intake: tuple[Intake, FakeInbox, FakeQueue],
) -> None:
    element = _sample(_operation("importAccountData"))
    account = element.find(ns.qname(ns.HOUSE_MANAGEMENT, "Account"))
    assert account is not None
    while len(element.findall(account.tag)) < 101:
        element.append(copy.deepcopy(account))
    error = _refused(intake, _submission(element))
    assert error.code == "FMT001300"
    assert "Account" in error.message and "101" in error.message and "100" in error.message
    assert error.where is not None and error.where.endswith("/importAccountRequest/Account[101]")


def test_an_unsupported_version_is_refused_where_it_is(intake: tuple[Intake, FakeInbox, FakeQueue]) -> None:
    element = _sample(_operation("importAccountData"))
    element.set(ns.qname(ns.BASE, "version"), "9.9.9.9")
    error = _refused(intake, _submission(element))
    assert error.code == "FMT001300" and "10.0.1.1" in error.message
    assert error.where is not None and error.where.endswith("/importAccountRequest/@base:version")


def test_a_payload_invalid_under_the_xsd_is_refused(intake: tuple[Intake, FakeInbox, FakeQueue]) -> None:
    element = _sample(_operation("importAccountData"))
    element.append(etree.Element(ns.qname(ns.HOUSE_MANAGEMENT, "Unexpected")))
    assert _refused(intake, _submission(element)).code == "FMT001300"


def test_a_payload_of_another_operation_is_refused(intake: tuple[Intake, FakeInbox, FakeQueue]) -> None:
    element = _sample(_operation("exportHouseData"))
    assert _refused(intake, _submission(element, "importAccountData")).code == "FMT900006"


def test_an_operation_reserved_to_other_roles_is_refused(intake: tuple[Intake, FakeInbox, FakeQueue]) -> None:
    operation = replace(_operation("importAccountData"), callers=frozenset({"РСО"}))
    error = _refused(intake, _submission(_sample(operation), operation=operation))
    assert error.code == "AUT011003" and "РСО" in error.message


def test_the_digest_is_the_content_not_the_object() -> None:
    element = _sample(_operation("exportHouseData"))
    same = Payload.unsigned(copy.deepcopy(element))
    assert Payload.unsigned(element).digest == same.digest
    changed = copy.deepcopy(element)
    guid = changed.find(ns.qname(ns.HOUSE_MANAGEMENT, "FIASHouseGuid"))
    assert guid is not None
    guid.text = str(uuid.uuid4())
    assert Payload.unsigned(changed).digest != same.digest
    signed = copy.deepcopy(element)
    signed.insert(0, etree.Element(ns.qname(ns.DS, "Signature")))
    with pytest.raises(ValueError, match=r"Payload\.signed"):
        Payload.unsigned(signed)
