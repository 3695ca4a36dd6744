"""Each agenda rule on its own, with its boundaries."""

from datetime import datetime, timedelta

import pytest

from app.agenda import rules
from app.agenda.rules import Slot
from app.timezones import AMSTERDAM

DAY = datetime(2026, 6, 11, tzinfo=AMSTERDAM)


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    return DAY + timedelta(days=day, hours=hour, minutes=minute)


def slot(
    id,
    start,
    end,
    kind="workshop",
    room=None,
    speakers=(),
    capacity=None,
    room_capacity=None,
    cancelled=False,
):
    return Slot(id=id, kind=kind, title=f"S{id}", starts_at=start, ends_at=end, room_id=room,
                speaker_ids=frozenset(speakers), capacity=capacity, room_capacity=room_capacity,
                cancelled=cancelled)  # fmt: skip


def rule_names(conflicts):
    return sorted(c.rule for c in conflicts)


def test_touching_sessions_do_not_overlap():
    a, b = slot(1, at(10), at(11), room=1), slot(2, at(11), at(12), room=1)
    assert not rules.overlaps(a, b)
    assert rules.room_clashes([a, b], {1: "Aula"}) == []


def test_one_minute_of_overlap_is_a_room_conflict():
    a, b = slot(1, at(10), at(11, 1), room=1), slot(2, at(11), at(12), room=1)
    [conflict] = rules.room_clashes([a, b], {1: "Aula"})
    assert conflict.session_ids == (1, 2) and conflict.severity == rules.ERROR
    assert "Aula" in str(conflict.message)


def test_different_rooms_and_no_room_do_not_clash():
    sessions = [slot(1, at(10), at(11), room=1), slot(2, at(10), at(11), room=2),
                slot(3, at(10), at(11)), slot(4, at(10), at(11))]  # fmt: skip
    assert rules.room_clashes(sessions, {}) == []


def test_a_break_in_a_room_clashes_like_any_session_but_a_break_without_room_does_not():
    workshop = slot(1, at(12), at(13), room=1)
    assert rule_names(
        rules.room_clashes([workshop, slot(2, at(12, 30), at(13), kind="break", room=1)], {})
    ) == ["room_overlap"]
    assert rules.room_clashes([workshop, slot(3, at(12, 30), at(13), kind="break")], {}) == []


def test_a_speaker_cannot_be_in_two_places():
    a = slot(1, at(10), at(11), room=1, speakers={7, 8})
    b = slot(2, at(10, 30), at(11, 30), room=2, speakers={8})
    c = slot(3, at(11), at(12), room=3, speakers={7})  # touches a: fine
    [conflict] = rules.speaker_clashes([a, b, c], {8: "Hanneke Smit"})
    assert conflict.session_ids == (1, 2) and "Hanneke Smit" in str(conflict.message)


def test_session_must_lie_inside_its_event_boundaries_included():
    start, end = at(9), at(17)
    assert rules.inside_event(slot(1, at(9), at(17)), start, end) == []
    assert rule_names(rules.inside_event(slot(1, at(8, 55), at(10)), start, end)) == [
        "outside_event"
    ]
    assert rule_names(rules.inside_event(slot(1, at(16), at(17, 5)), start, end)) == [
        "outside_event"
    ]


def test_session_ends_after_it_starts():
    assert rule_names(rules.times_in_order(slot(1, at(10), at(10)))) == ["ends_before_start"]
    assert rules.times_in_order(slot(1, at(10), at(10, 5))) == []


def test_a_session_across_midnight_is_checked_on_both_days():
    evening = slot(1, at(22), at(1, day=1), room=1)
    night = slot(2, at(0, 30, day=1), at(2, day=1), room=1)
    assert rule_names(rules.room_clashes([evening, night], {})) == ["room_overlap"]
    event_start, event_end = at(20), at(2, day=1)
    assert rules.inside_event(evening, event_start, event_end) == []
    assert rules.times_in_order(evening) == []


def test_workshop_over_room_capacity_is_a_warning():
    [warning] = rules.over_room_capacity(slot(1, at(10), at(11), capacity=40, room_capacity=30))
    assert warning.severity == rules.WARNING
    assert rules.over_room_capacity(slot(1, at(10), at(11), capacity=30, room_capacity=30)) == []
    assert rules.over_room_capacity(slot(1, at(10), at(11), capacity=None, room_capacity=30)) == []


def test_cancelled_sessions_take_no_room():
    sessions = [slot(1, at(10), at(11), room=1), slot(2, at(10), at(11), room=1, cancelled=True)]
    assert rules.agenda_conflicts(sessions, at(9), at(17), {}, {}) == []


def test_an_attendees_choices_may_not_overlap():
    a, b, c = slot(1, at(10), at(11)), slot(2, at(10, 30), at(11, 30)), slot(3, at(11), at(12))
    assert rule_names(rules.chosen_overlap([a, b])) == ["choice_overlap"]
    assert rules.chosen_overlap([a, c]) == []


def test_rondes_are_overlapping_workshops_in_time_order():
    sessions = [
        slot(1, at(9, 30), at(10, 30), kind="plenary"),
        slot(2, at(10, 45), at(12), room=1),
        slot(3, at(10, 45), at(12), room=2),
        slot(4, at(11), at(12, 15), room=3),  # overlaps 2 and 3: same ronde
        slot(5, at(12), at(13), kind="break"),
        slot(6, at(13), at(14, 15), room=1),
        slot(7, at(13, 15), at(14), room=2),
        slot(8, at(13), at(14), room=3, cancelled=True),
    ]
    found = rules.rondes(sessions)
    assert [[w.id for w in r.workshops] for r in found] == [[2, 3, 4], [6, 7]]
    assert found[0].ends_at == at(12, 15)


@pytest.mark.parametrize("second_start", [at(12), at(12, 15)])
def test_touching_workshops_are_different_rondes(second_start):
    found = rules.rondes([slot(1, at(11), at(12)), slot(2, second_start, at(13))])
    assert len(found) == 2


def test_moving_a_session_warns_when_peoples_choices_now_overlap():
    a, b, c = slot(1, at(10), at(11)), slot(2, at(10, 30), at(11, 30)), slot(3, at(11), at(12))
    choices = {100: {1, 2}, 101: {1, 2}, 102: {1, 3}, 103: {2}}
    [warning] = rules.choices_now_overlapping(choices, [a, b, c])
    assert warning.session_ids == (1, 2) and warning.severity == rules.WARNING
    assert "2 deelnemer(s)" in str(warning.message)
