"""The outcome of one object of an import message: what becomes its ``CommonResult``.

Shared by every area (they produce it), the import runner (it records it) and the contract
(it encodes it), so it lives in the shared kernel below all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from hub.errors import HubError


@dataclass(frozen=True, slots=True)
class ObjectError:
    code: str
    description: str


@dataclass(frozen=True, slots=True)
class ObjectOutcome:
    """One ``CommonResult``: success (GUID, UniqueNumber, UpdateDate) or errors."""

    transport_guid: str
    guid: str | None = None
    unique_number: str | None = None
    update_date: datetime | None = None
    errors: tuple[ObjectError, ...] = ()
    #: operation-specific extension (ImportAccount: UnifiedAccountNumber, ServiceID …)
    extension: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @classmethod
    def failed(cls, transport_guid: str, error: HubError, *, guid: str | None = None) -> ObjectOutcome:
        return cls(transport_guid, guid=guid, errors=(ObjectError(error.code, error.message),))
