"""Meedoen is rate-limited: per client, and per address, so that nobody can flood someone's
inbox with confirmation mails; refused forms do not use up an address's limit."""

from __future__ import annotations

import pytest

from tests.knowledge.test_team_world import meedoen, team_theme_fixture  # noqa: F401


@pytest.fixture
def app_config(base_config):
    return {**base_config, "RATELIMIT_ENABLED": True, "REGISTRATION_EMAIL_RATE_LIMIT": "2 per hour",
            "REGISTRATION_RATE_LIMIT": "6 per minute"}  # fmt: skip


def test_one_address_cannot_be_flooded_with_confirmation_mails(client, team_theme, mailbox):
    for _ in range(3):  # refused (no privacy acknowledgement): nothing mailed, nothing counted
        assert meedoen(client, team_theme, "doelwit@example.org", privacy=None).status_code == 400
    statuses = [meedoen(client, team_theme, "doelwit@example.org").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(mailbox.wait_for(2)) == 2


def test_one_client_cannot_post_without_end(client, team_theme, mailbox):
    statuses = [meedoen(client, team_theme, f"p{n}@example.org").status_code for n in range(7)]
    assert statuses == [302] * 6 + [429]
    assert "U heeft dit te vaak geprobeerd" in meedoen(
        client, team_theme, "x@example.org"
    ).get_data(as_text=True)
    assert client.get(f"/themas/{team_theme.slug}/meedoen").status_code == 200  # reading is free
