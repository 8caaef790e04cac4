"""Hub-assigned GUIDs: UUIDv7, valid under the contract's GUIDType, unique, ordered by time."""

from __future__ import annotations

import concurrent.futures
import itertools
import os
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


def test_threads_and_a_forked_child_never_share_random_bits() -> None:
    """Random bytes are fetched in batches per thread; neither another thread nor a forked
    child (``hub worker`` processes) may hand out the same ones."""
    new_guid()  # this thread's batch now has bytes left that a careless child would reuse
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda _: [new_guid() for _ in range(2000)], range(4)))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.write(write, "\n".join(new_guid() for _ in range(100)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        child = pipe.read().split("\n")
    parent = [new_guid() for _ in range(100)]
    randoms = [uuid.UUID(g).int & ((1 << 74) - 1) for g in [*parent, *child, *itertools.chain(*threaded)]]
    assert len(randoms) == 8200
    assert len(set(randoms)) == len(randoms)
