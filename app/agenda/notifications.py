"""What the agenda tells registrants: a place in a workshop came free for them, and a summary
of changes to the agenda (one mail per batch, with the updated calendar)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.agenda.models import AgendaChange
from app.extensions import db
from app.mail.composing import composer
from app.mail.services import MailContent
from app.registration.models import Registration
from app.registration.notifications import (
    facts,
    greeting,
    manage_action,
    queue_for,
    rendered_for,
)
from app.text import sentence
from app.timezones import format_clock, format_day, format_period, to_local


def _when(session, language: str) -> str:
    return format_period(session.starts_at, session.ends_at, language)


def workshop_place(choice) -> None:
    registration, session = choice.registration, choice.session

    def compose(language):
        room = f" ({session.room.name})" if session.room else ""
        return MailContent(
            subject=_("Er is een plaats in uw workshop: %(title)s", title=session.title),
            greeting=greeting(registration),
            paragraphs=[
                sentence(
                    _(
                        "Er is een plaats vrijgekomen in de workshop %(title)s. Die plaats is nu van u.",
                        title=session.title,
                    ),
                    session.title,
                ),  # fmt: skip
                f"{_when(session, language)}{room}",
            ],
            action=manage_action(registration),
        )

    queue_for(registration, "workshop_place", compose, calendar_method="REQUEST")


def workshop_ended(registration, session) -> None:
    """Told once when a workshop they chose (or waited for) is cancelled, or is no longer a
    workshop (a plenary session everyone attends)."""

    def compose(language):
        if session.is_cancelled:
            subject = _("Workshop geschrapt: %(title)s", title=session.title)
            what = _("De workshop %(title)s (%(when)s) gaat helaas niet door. Uw plaats in deze workshop, of op de wachtlijst ervan, vervalt.",
                     title=session.title, when=_when(session, language))  # fmt: skip
        else:
            subject = _("Geen workshop meer: %(title)s", title=session.title)
            what = _("%(title)s (%(when)s) is geen workshop meer maar een onderdeel voor iedereen. U hoeft er niet meer voor te kiezen; uw keuze ervoor vervalt.",
                     title=session.title, when=_when(session, language))  # fmt: skip
        return MailContent(
            subject=subject,
            greeting=greeting(registration),
            paragraphs=[
                what,
                _(
                    "Uw plaats bij %(event)s blijft staan. Via de link kiest u een andere workshop in deze ronde.",
                    event=registration.event.title,
                ),  # fmt: skip
            ],
            action=manage_action(registration),
        )

    queue_for(registration, "workshop_cancelled", compose, calendar_method="REQUEST")


def workshops_changed(registration, outcome) -> None:
    """After they changed their workshops on the manage page: what they have now, a full
    workshop's waiting-list place included, and their calendar entry updated."""
    event = registration.event

    def compose(language):
        lines = chosen_workshops(outcome, True, True)(language) or [
            _("U heeft nu geen workshops gekozen.")
        ]
        waiting = [
            _(
                "%(title)s is vol: u staat op de wachtlijst. Komt er een plaats vrij, dan krijgt u die automatisch en ontvangt u bericht.",
                title=session.title,
            )  # fmt: skip
            for session in outcome.waitlisted
        ]
        return MailContent(
            subject=_("Uw workshops: %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                *lines,
                *waiting,
                _("In de bijlage staat de activiteit met uw workshops, bijgewerkt voor uw agenda."),
            ],
            action=manage_action(registration),
        )

    queue_for(registration, "workshops_changed", compose, calendar_method="REQUEST")


def chosen_workshops(outcome, has_rondes: bool, has_place: bool):
    """Paragraphs for the registration mail: the workshops just chosen (and any full one the
    person now waits for), or where to choose them."""

    def more(language) -> list[str]:
        if not has_rondes:
            return []
        if not has_place:
            return [_("Workshops kiest u via de link zodra u een plaats heeft.")]
        if outcome is None:
            return [_("U heeft nog geen workshop gekozen; dat kan via de link.")]
        lines = [f"• {_when(s, language)} {s.title}" + (f" ({s.room.name})" if s.room else "")
                 for s in outcome.confirmed]  # fmt: skip
        lines += [
            f"• {_when(s, language)} {s.title} – " + _("wachtlijst") for s in outcome.waitlisted
        ]
        return [_("Uw workshops:") + "\n" + "\n".join(lines)] if lines else []

    return more


def _times(side: dict, language: str, with_day: bool = False) -> str:
    starts, ends = (datetime.fromisoformat(side[k]) for k in ("starts_at", "ends_at"))
    day = f"{format_day(starts, language)} " if with_day else ""
    return f"{day}{format_clock(starts, language)}–{format_clock(ends, language)}"


def _day(side: dict):
    """The day people see it on: Amsterdam's, not UTC's (23.45 → 00.30 is another day)."""
    return to_local(datetime.fromisoformat(side["starts_at"])).date()


def _kind_name(kind: str) -> str:
    return {"plenary": _("plenair"), "workshop": _("workshop"), "break": _("pauze")}.get(kind, kind)


def difference_text(what: str, before: dict, after: dict, language: str) -> str:
    """A session's net change in one line: 'Het gesprek over geld: 11.55–13.10 → 12.10–13.25'."""
    title = after.get("title") or before.get("title", "")
    if what == "rescheduled":
        return _("De activiteit is verplaatst; het hele programma schuift mee.")
    if what == "added":
        where = f", {after['room']}" if after.get("room") else ""
        return _("Nieuw: %(title)s, %(when)s", title=title, when=_times(after, language) + where)
    if what == "cancelled":
        return _("Geschrapt: %(title)s (%(when)s)", title=title, when=_times(before, language))
    if "starts_at" not in before:  # a record from before releases kept less
        return _("Gewijzigd: %(title)s", title=title)
    parts = []
    if before.get("title") != after.get("title"):
        parts.append(_("nieuwe titel (was: %(old)s)", old=before.get("title", "")))
    if (before["starts_at"], before["ends_at"]) != (after["starts_at"], after["ends_at"]):
        other_day = _day(before) != _day(after)
        parts.append(
            f"{_times(before, language, other_day)} → {_times(after, language, other_day)}"
        )
    if before.get("room") != after.get("room"):
        parts.append(
            f"{before.get('room') or _('geen zaal')} → {after.get('room') or _('geen zaal')}"
        )
    if before.get("kind") != after.get("kind"):
        parts.append(_("nu %(kind)s", kind=_kind_name(after.get("kind", ""))))
    if before.get("speakers", []) != after.get("speakers", []):
        names = ", ".join(after.get("speakers", [])) or _("geen")
        parts.append(_("sprekers: %(names)s", names=names))
    if before.get("capacity") != after.get("capacity"):
        parts.append(_("plaatsen: %(old)s → %(new)s", old=before.get("capacity") or "—",
                       new=after.get("capacity") or "—"))  # fmt: skip
    if before.get("description") != after.get("description"):
        parts.append(_("beschrijving aangepast"))
    if before.get("status") != after.get("status"):
        parts.append(_("weer op het programma"))
    return f"{title}: " + "; ".join(parts) if parts else _("Gewijzigd: %(title)s", title=title)


def change_text(change, language: str) -> str:
    """One recorded change in a line, for the mail and the event page's 'Wijzigingen'."""
    return difference_text(change.what, change.before or {}, change.after or {}, language)


RELEASED = "agenda.changed"  # the composer of a release's mail (below)


def agenda_changed(
    registration, changes, note: str = "", placed=(), may_choose: bool = True
) -> None:
    """One mail for everything a release changed for this person: its lines, the release's
    note, a workshop place it gave them, and what a cancelled workshop of theirs means.
    Queued with the release and rendered after its commit (app/mail/composing.py): the
    event's lock is not held while hundreds of mails and invitations render."""
    queue_for(registration, "agenda_changed", None, composer=RELEASED, composer_input={
        "changes": [change.id for change in changes], "note": note, "placed": list(placed),
        "may_choose": may_choose,
    })  # fmt: skip


@composer(RELEASED)
def _agenda_changed(message) -> dict | None:
    registration = db.session.get(Registration, message.registration_id or 0)
    if not _still_concerned(registration, message):
        return None  # nothing to tell them any more
    given = message.composer_input
    found = db.session.scalars(sa.select(AgendaChange).where(AgendaChange.id.in_(given["changes"])))
    by_id = {change.id: change for change in found}
    changes = [by_id[i] for i in given["changes"] if i in by_id]
    if not changes:
        return None
    compose = _changes_mail(registration, changes, given["note"], given["placed"],
                            given["may_choose"])  # fmt: skip
    return rendered_for(registration, compose, calendar_method="REQUEST")


def _still_concerned(registration, message) -> bool:
    """Still holding the place they held at the release: not erased or cancelled since, the
    event not cancelled, and not registered afresh after cancelling (their new confirmation
    then shows the agenda as it is)."""
    return (
        registration is not None
        and registration.is_confirmed
        and not registration.event.is_cancelled
        and (registration.confirmed_at is None or registration.confirmed_at <= message.created_at)
    )


def _changes_mail(registration, changes, note: str, placed, may_choose: bool):
    event = registration.event
    lost_workshop = may_choose and any(
        c.what == "cancelled" and c.before.get("kind") == "workshop" for c in changes
    )

    def compose(language):
        lines = "\n".join("• " + change_text(change, language) for change in changes)
        return MailContent(
            subject=_("Programma gewijzigd: %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _("Het programma van %(title)s is gewijzigd. Dit is voor u van belang:", title=event.title),
                lines,
                *([note] if note else []),
                *[sentence(_("Er is een plaats voor u vrijgekomen in de workshop %(title)s. Die plaats is nu van u.",
                             title=title), title) for title in placed],
                *([_("Een geschrapte workshop die u had gekozen vervalt; via de link kiest u een andere workshop in die ronde.")]
                  if lost_workshop else []),
                facts(registration, language),
                _("In de bijlage staan de activiteit en uw workshops, bijgewerkt voor uw agenda."),
            ],
            action=manage_action(registration),
        )  # fmt: skip

    return compose
