"""Verification is rate-limited per address: enough for a register checking a list, too few
to guess numbers."""

from __future__ import annotations

import pytest

from app.certificates.numbers import new_number


@pytest.fixture
def app_config(base_config):
    return {**base_config, "RATELIMIT_ENABLED": True, "VERIFY_RATE_LIMIT": "5 per minute"}


def test_verification_is_rate_limited(client):
    statuses = [client.get(f"/certificaat/{new_number()}").status_code for _ in range(7)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]
