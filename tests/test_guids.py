"""Hub-assigned GUIDs: UUIDv7, valid under the contract's GUIDType, unique, ordered by time."""

from __future__ import annotations

import itertools
import re
import time
import uuid

from hub.domain.guids import new_guid

#: base:GUIDType of hcs-base.xsd
GUID_TYPE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def test_guid_is_a_canonical_uuid7_under_the_contract_pattern() -> None:
    guid = new_guid()
    parsed = uuid.UUID(guid)
    assert GUID_TYPE.match(guid)
    assert guid == str(parsed) == guid.lower()
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122


def test_guid_carries_its_creation_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    guid = new_guid()
    after = time.time_ns() // 1_000_000
    assert before <= uuid.UUID(guid).int >> 80 <= after


def test_guids_are_unique_and_sort_by_creation_across_milliseconds() -> None:
    batches = []
    for _ in range(3):
        batches.append([new_guid() for _ in range(20_000)])
        time.sleep(0.002)
    everything = [guid for batch in batches for guid in batch]
    assert len(set(everything)) == len(everything)
    for earlier, later in itertools.pairwise(batches):
        assert max(earlier) < min(later)  # a later millisecond sorts after, as an index stores it
