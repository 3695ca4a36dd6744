from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.errors import DomainError, NotAllowed, StateConflict
from app.extensions import db
from app.programme import services
from app.programme.themes import create_theme
from app.timezones import utcnow


def test_new_event_is_a_draft_owned_by_its_creator(make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner, status="draft")
    assert event.is_draft
    assert event.organisers == [owner]
    assert services.can_manage(owner, event)


def test_slug_is_unique_even_for_the_same_title_and_day(make_event):
    first = make_event(title="Wat werkt?", status="draft")
    second = make_event(title="Wat werkt?", starts_at=first.starts_at, status="draft")
    assert first.slug != second.slug
    assert second.slug.startswith(first.slug)


def test_only_a_draft_can_be_published(make_event):
    event = make_event(status="draft")
    services.publish_event(event)
    assert event.is_published and event.published_at is not None
    with pytest.raises(StateConflict):
        services.publish_event(event)


def test_cancelled_event_stays_public_and_cannot_be_changed(make_event):
    event = make_event()
    services.cancel_event(event)
    db.session.commit()
    assert event.is_cancelled
    assert services.public_event(event.slug) is event
    with pytest.raises(StateConflict):
        services.cancel_event(event)
    with pytest.raises(StateConflict):
        services.update_event(event, {"title": "Toch wel"})


def test_duplicate_is_a_new_draft_with_same_content_moved_in_time(
    make_user, make_event, make_theme
):
    owner, colleague = make_user(), make_user()
    theme = make_theme()
    event = make_event(
        owner=owner,
        themes=[theme],
        registration_opens_at=utcnow(),
        registration_closes_at=utcnow() + timedelta(days=10),
    )
    services.add_accreditation(event, "SKJ", "SKJ-1", 2)
    new_start = event.starts_at + timedelta(days=28)

    copy, _shift = services.duplicate_event(event, new_start, by=colleague)
    db.session.commit()

    assert copy.is_draft and copy.id != event.id and copy.slug != event.slug
    assert copy.title == event.title and copy.themes == [theme]
    assert copy.ends_at - copy.starts_at == event.ends_at - event.starts_at
    assert copy.registration_closes_at == event.registration_closes_at + timedelta(days=28)
    assert [(a.register, a.accreditation_id) for a in copy.accreditations] == [("SKJ", "SKJ-1")]
    assert {u.id for u in copy.organisers} == {owner.id, colleague.id}
    assert len(event.accreditations) == 1  # the original keeps its own


def test_organisers_manage_only_their_own_events_admins_all(make_user, make_event):
    owner, other, admin, desk = (make_user(), make_user(), make_user("admin"), make_user("checkin"))
    event = make_event(owner=owner)
    assert services.can_manage(owner, event)
    assert services.can_manage(admin, event)
    assert not services.can_manage(other, event)
    assert not services.can_manage(desk, event)
    with pytest.raises(NotAllowed):
        services.ensure_can_manage(other, event)


def test_programme_lists_upcoming_soonest_first_and_archive_most_recent_first(make_event):
    later = make_event(starts_in=timedelta(days=20))
    sooner = make_event(starts_in=timedelta(days=3))
    cancelled = make_event(starts_in=timedelta(days=5), status="cancelled")
    make_event(starts_in=timedelta(days=4), status="draft")
    long_ago = make_event(starts_in=timedelta(days=-60))
    recent = make_event(starts_in=timedelta(days=-2))

    upcoming = db.session.scalars(services.upcoming_events()).all()
    past = db.session.scalars(services.past_events()).all()
    assert upcoming == [sooner, cancelled, later]
    assert past == [recent, long_ago]


def test_event_running_now_is_still_upcoming(make_event):
    running = make_event(starts_in=timedelta(hours=-1), hours=3)
    assert db.session.scalars(services.upcoming_events()).all() == [running]


def test_programme_filters_by_theme_and_kind(make_event, make_theme):
    theme = make_theme()
    cafe = make_event(themes=[theme])
    make_event()
    day = make_event(themes=[theme], kind="themadag")
    assert set(db.session.scalars(services.upcoming_events(theme=theme))) == {cafe, day}
    assert db.session.scalars(services.upcoming_events(theme=theme, kind="themadag")).all() == [day]


def test_draft_is_not_public_but_its_organiser_may_preview_it(make_user, make_event):
    owner = make_user()
    draft = make_event(owner=owner, status="draft")
    with pytest.raises(Exception) as error:
        services.public_event(draft.slug)
    assert error.value.code == 404
    assert services.public_event(draft.slug, viewer=owner) is draft


def test_one_accreditation_per_register(make_event):
    event = make_event()
    services.add_accreditation(event, "Registerplein", "RP-1", 2)
    with pytest.raises(StateConflict):
        services.add_accreditation(event, "registerplein", "RP-2", 3)


def test_theme_slug_is_derived_from_its_name_and_unique(make_theme):
    first = make_theme("Zorg & welzijn")
    second = make_theme("Zorg welzijn")
    assert first.slug == "zorg-welzijn"
    assert second.slug == "zorg-welzijn-2"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(type(first))) == 2


def test_a_theme_name_that_is_taken_is_refused(make_theme):
    make_theme("Intergenerationele overdracht")
    with pytest.raises(DomainError):
        create_theme({"name": "intergenerationele Overdracht "})
