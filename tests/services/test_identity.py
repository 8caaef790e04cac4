"""The bound on failed password checks (the SOAP tests cover it over HTTP)."""

from __future__ import annotations

import pytest

from hub.errors import HubError
from hub.services.identity import LoginThrottle, PasswordCache, hash_password


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_blocks_a_key_after_its_failures_until_they_leave_the_window() -> None:
    clock = _Clock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(3):
        throttle.refuse_if_blocked(["org:1"])
        throttle.record_failure(["org:1", "address:10.0.0.1"])
        clock.now += 1
    with pytest.raises(HubError) as blocked:
        throttle.refuse_if_blocked(["org:1"])
    assert blocked.value.code == "AUT900012"
    assert "Следующая попытка возможна через 57 с" in blocked.value.message  # the first leaves at 1060
    with pytest.raises(HubError):
        throttle.refuse_if_blocked(["org:2", "address:10.0.0.1"])  # the address is blocked too
    throttle.refuse_if_blocked(["org:2", "address:10.0.0.2"])  # others are not
    clock.now += 57
    throttle.refuse_if_blocked(["org:1"])  # one failure left the window: one more try


def test_throttle_holds_a_bounded_number_of_keys() -> None:
    clock = _Clock()
    throttle = LoginThrottle(max_failures=2, window_seconds=60, clock=clock, max_keys=100)
    for n in range(1000):
        throttle.record_failure([f"address:{n}"])
    assert len(throttle._failures) <= 100


def test_a_password_already_checked_skips_the_throttle() -> None:
    stored = hash_password("right")
    cache = PasswordCache(throttle=LoginThrottle(max_failures=1, window_seconds=60))
    assert cache.check("right", stored, throttle_keys=["org:1"])
    assert not cache.check("wrong", stored, throttle_keys=["org:1"])
    with pytest.raises(HubError):
        cache.check("wrong", stored, throttle_keys=["org:1"])
    assert cache.check("right", stored, throttle_keys=["org:1"])  # remembered: no scrypt, no throttle


def test_zero_means_no_bound() -> None:
    throttle = LoginThrottle(max_failures=0)
    for _ in range(50):
        throttle.record_failure(["org:1"])
    throttle.refuse_if_blocked(["org:1"])
