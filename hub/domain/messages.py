"""The life of one asynchronous request, as GIS defines it."""

from __future__ import annotations

from enum import IntEnum


class RequestState(IntEnum):
    """``base:AsyncRequestStateType``: what getState reports."""

    RECEIVED = 1  # получено
    PROCESSING = 2  # в обработке
    PROCESSED = 3  # обработано
