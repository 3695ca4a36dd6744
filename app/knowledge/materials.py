"""The rules of materials: who may add and change them, when they are seen and by whom, and
publishing them once an event is over (with one mail to those who had a place).

Who counts as an attendee: a registration with a place (confirmed) — not one on the waiting
list, not a cancelled one. Check-in is not required: someone with a place who could not come
still gets the slides. Places no longer move once an event has started (lifecycle), so this is
settled by the time materials can be seen."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.agenda.models import Session
from app.errors import DomainError, NotAllowed, NotFoundHere, StateConflict
from app.extensions import db
from app.knowledge import material_storage
from app.knowledge.models import Audience, Material, MaterialKind
from app.knowledge.uploads import CheckedFile
from app.locking import lock_row
from app.privacy import audit
from app.programme import lifecycle
from app.programme import services as programme
from app.programme.models import Event, EventStatus, Theme, event_themes
from app.registration.models import Registration
from app.timezones import utcnow


@dataclass
class MaterialDetails:
    """What an organiser fills in; the file, if any, comes separately (checked)."""

    kind: str
    title: str
    description: str = ""
    url: str | None = None
    session_id: int | None = None
    audience: str = Audience.PUBLIC


def fold(text: str) -> str:
    """Lower case without accents, so "Ideeën" is found by "ideeen" and "IDEEËN" alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- who may do what -----------------------------------------------------------------------


def may_manage(user: User, material: Material) -> bool:
    """An event's materials: its organisers and admins. A theme's shelf: any organiser."""
    if not user.is_authenticated or not user.may_organise:
        return False
    if material.event is not None:
        return programme.can_manage(user, material.event)
    return True


def managed_material(user: User, material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None:
        raise NotFoundHere()
    if not may_manage(user, material):
        raise NotAllowed(_l("U beheert dit materiaal niet."))
    return material


# --- adding, changing, removing ------------------------------------------------------------


def _apply(material: Material, details: MaterialDetails) -> None:
    if details.kind not in MaterialKind.__members__.values():
        raise DomainError(_l("Kies een soort materiaal uit de lijst."))
    if details.audience not in Audience.__members__.values():
        raise DomainError(_l("Kies voor wie het materiaal is."))
    material.kind, material.title = details.kind, details.title
    material.description = details.description or ""
    material.search_text = fold(f"{material.title}\n{material.description}")
    material.audience = details.audience if material.event_id else Audience.PUBLIC
    material.session_id = _session_of(material.event, details.session_id)
    if material.file_name is None:  # a link stays a link
        material.url = details.url


def _session_of(event: Event | None, session_id: int | None) -> int | None:
    if session_id is None or event is None:
        return None
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id:
        raise DomainError(_l("Kies een programmaonderdeel van deze activiteit."))
    return session.id


def _new(details: MaterialDetails, upload: CheckedFile | None, by: User | None, **owner):
    if (upload is None) == (not details.url):
        raise DomainError(_l("Kies een bestand óf vul een link in."))
    if details.kind == MaterialKind.LINK and upload is not None:
        raise DomainError(_l("Bij de soort 'Link' hoort een link, geen bestand."))
    material = Material(created_by_id=by.id if by else None, **owner)
    if upload is not None:
        material.file_name, material.content_type = upload.name, upload.content_type
        material.size = upload.size
        material_storage.store(material, upload.data)
    else:
        material.url = details.url
    _apply(material, details)
    db.session.add(material)
    db.session.flush()
    return material


def add_event_material(event: Event, details: MaterialDetails, upload: CheckedFile | None,
                       by: User | None = None) -> Material:  # fmt: skip
    """A material for an event (or one of its sessions); seen once published after the event."""
    if event.is_cancelled:
        raise StateConflict(_l("Deze activiteit is geannuleerd: er komen geen materialen bij."))
    return _new(details, upload, by, event_id=event.id, event=event)


def add_theme_material(theme: Theme, details: MaterialDetails, upload: CheckedFile | None,
                       by: User | None = None) -> Material:  # fmt: skip
    """Straight onto the theme's shelf: public, and published at once."""
    material = _new(details, upload, by, theme_id=theme.id, theme=theme)
    material.published_at = utcnow()
    return material


def update_material(material: Material, details: MaterialDetails) -> None:
    if material.is_link and not details.url:
        raise DomainError(_l("Vul de link in."))
    _apply(material, details)
    db.session.flush()


def delete_material(material: Material) -> None:
    key = material.storage_key
    db.session.delete(material)
    db.session.flush()
    material_storage.discard(key)


# --- publishing after the event ------------------------------------------------------------


def why_not_publishable(event: Event):
    """Why the materials of `event` cannot be published now, or None."""
    if lifecycle.phase(event) != lifecycle.Phase.OVER:
        return _l("Materialen publiceert u na afloop van de activiteit.")
    return None


@dataclass
class Published:
    materials: list[Material]
    mailed: int  # how many registrants were sent the one mail about them


def publish_event_materials(event: Event, *, by: User | None = None) -> Published:
    """Publish every material of this (past) event not yet published, and tell each person who
    had a place, once, in one mail. Under the event's lock: a second click waits for the first
    and finds nothing left to publish, so nobody is told twice about the same materials."""
    from app.knowledge import material_mail  # the mail needs this module's rules

    event = lock_row(Event, event.id)
    reason = why_not_publishable(event)
    if reason is not None:
        raise StateConflict(reason)
    new = list(
        db.session.scalars(
            sa.select(Material)
            .where(Material.event_id == event.id, Material.published_at.is_(None))
            .order_by(Material.id)
        )
    )
    if not new:
        return Published([], 0)
    now = utcnow()
    for material in new:
        material.published_at = now
    db.session.flush()
    published = Published(new, material_mail.announce(event, new))
    if by is not None and published.mailed:
        audit.record(audit.Action.MESSAGE, by=by, event=event,
                     detail=f"materialen gepubliceerd: {audit.people(published.mailed)} gemaild")  # fmt: skip
    return published


# --- who sees what -------------------------------------------------------------------------


def is_attendee(registration: Registration) -> bool:
    return registration.is_confirmed


def _shown() -> sa.ColumnElement[bool]:
    """Published, and either on a theme's shelf or of a published event that is over."""
    over = sa.exists().where(
        Event.id == Material.event_id,
        Event.status == EventStatus.PUBLISHED,
        Event.ends_at <= utcnow(),
    )
    return sa.and_(Material.published_at.is_not(None),
                   sa.or_(Material.theme_id.is_not(None), over))  # fmt: skip


def _newest_first(query: sa.Select) -> sa.Select:
    return query.order_by(Material.published_at.desc(), Material.id.desc())


def event_page_materials(event: Event) -> list[Material] | None:
    """What the event page lists: None before the event is over; then every published
    material, attendee-only ones included (the page shows those without a link)."""
    if lifecycle.phase(event) != lifecycle.Phase.OVER:
        return None
    query = sa.select(Material).where(Material.event_id == event.id, _shown())
    return list(db.session.scalars(_newest_first(query).options(so.joinedload(Material.session))))


def registration_materials(registration: Registration) -> list[Material]:
    """What the person behind a manage link may open: all published materials of their past
    event when they had a place, else the public ones."""
    materials = event_page_materials(registration.event) or []
    if is_attendee(registration):
        return materials
    return [m for m in materials if not m.for_attendees_only]


def public_material(material_id: int) -> Material:
    """A material anyone may open; anything else (attendee-only, not yet published, an event
    not over) is the same 404 as one that does not exist."""
    material = db.session.scalar(
        sa.select(Material).where(
            Material.id == material_id, Material.audience == Audience.PUBLIC, _shown()
        )
    )
    if material is None:
        raise NotFoundHere()
    return material


def registration_material(registration: Registration, material_id: int) -> Material:
    """A material of the registration's own event that this person may open."""
    material = next((m for m in registration_materials(registration) if m.id == material_id), None)
    if material is None:
        raise NotFoundHere()
    return material


def event_materials(event: Event) -> list[Material]:
    """Every material of an event, for its organisers, in the order they were added."""
    query = sa.select(Material).where(Material.event_id == event.id).order_by(Material.id)
    return list(db.session.scalars(query.options(so.joinedload(Material.session))))


def theme_materials(theme: Theme) -> list[Material]:
    """What was put straight on a theme's shelf, for organisers, newest first."""
    return list(db.session.scalars(_newest_first(sa.select(Material).where(
        Material.theme_id == theme.id))))  # fmt: skip


def _on_shelf(theme: Theme, search: str) -> sa.Select:
    of_its_events = sa.select(event_themes.c.event_id).where(event_themes.c.theme_id == theme.id)
    query = sa.select(Material).where(
        sa.or_(Material.theme_id == theme.id, Material.event_id.in_(of_its_events)),
        Material.audience == Audience.PUBLIC,
        _shown(),
    )
    for word in fold(search).split():
        query = query.where(Material.search_text.contains(word, autoescape=True))
    return query


def theme_shelf(theme: Theme, search: str = "") -> sa.Select:
    """The theme's "Praktijk en tools": the public materials of its events (after each event)
    and those put on its shelf directly, newest first; `search` words must all occur in the
    title or description, regardless of case and accents."""
    return _newest_first(_on_shelf(theme, search)).options(so.joinedload(Material.event))


def theme_shelf_count(theme: Theme) -> int:
    counted = sa.select(sa.func.count()).select_from(_on_shelf(theme, "").subquery())
    return db.session.scalar(counted) or 0
