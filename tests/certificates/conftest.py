from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from app.attendance import services as attendance
from app.extensions import db
from app.programme import services as programme
from app.timezones import utcnow


@dataclass
class Evening:
    event: object
    owner: object
    people: dict  # name -> Registration


@pytest.fixture
def evening(make_event, make_user, register):
    """A kenniscafé of two hours with 30 minutes of reception, over since an hour, accredited
    by Registerplein (2 points for the evening) and SKJ (pro rata); Anna and Şükrü were
    there, Bob was not."""

    def make(**details) -> Evening:
        owner = make_user(name="Sanne Visser")
        event = make_event(owner=owner, title="Wat gaat er goed tussen generaties?",
                           not_counting_minutes=30, **details)  # fmt: skip
        programme.add_accreditation(event, "Registerplein", "RP-2026-118", Decimal("2"))
        programme.add_accreditation(event, "SKJ", "SKJ-555", Decimal("2"), "pro_rata")
        db.session.commit()
        people = {
            "Anna": register(event, "Anna de Vries", register_numbers={"Registerplein": "461012345"}),
            "Şükrü": register(event, "Şükrü Çelik", language="en"),
            "Bob": register(event, "Bob Bakker"),
        }  # fmt: skip
        end = utcnow() - timedelta(hours=1)
        event.starts_at, event.ends_at = end - timedelta(hours=2), end
        db.session.commit()
        for name in ("Anna", "Şükrü"):
            attendance.check_in(people[name].id, owner)
            db.session.commit()
        return Evening(event, owner, people)

    return make
