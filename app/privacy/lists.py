"""Newsletter lists: the werkplaats's own and each theme's work-team updates. A list is made
from current consent records only, so a withdrawal takes someone off the next export at once."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import User
from app.extensions import db
from app.links import external_url
from app.privacy import audit, consent
from app.privacy.models import Consent, Purpose
from app.programme.models import Theme
from app.timezones import to_local


@dataclass(frozen=True)
class NewsletterList:
    theme: Theme | None  # None: the werkplaats's own newsletter
    holders: int

    @property
    def key(self) -> str:
        return self.theme.slug if self.theme else "werkplaats"


def newsletter_lists() -> list[NewsletterList]:
    """Every list with its number of people, the werkplaats's first, then the themes by name."""
    counts = dict(
        db.session.execute(
            sa.select(Consent.theme_id, sa.func.count())
            .where(
                Consent.purpose == Purpose.NEWSLETTER,
                Consent.given_at.is_not(None),
                Consent.withdrawn_at.is_(None),
            )
            .group_by(Consent.theme_id)
        ).all()
    )
    themes = db.session.scalars(sa.select(Theme).order_by(Theme.name)).all()
    return [NewsletterList(None, counts.get(None, 0))] + [
        NewsletterList(theme, counts.get(theme.id, 0)) for theme in themes
    ]


def theme_for_key(key: str) -> Theme | None:
    """The list's theme; None for the werkplaats's own list. An unknown key is a LookupError."""
    if key == "werkplaats":
        return None
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == key))
    if theme is None:
        raise LookupError(key)
    return theme


def list_rows(theme: Theme | None, *, by: User) -> list[list]:
    """A header row, then one row per person with a current consent for the list, with their
    own one-click withdrawal link for the mailing (a new token each export: only hashes are
    kept); the export is recorded in the audit log."""
    rows = [[_("Naam"), _("E-mailadres"), _("Organisatie"), _("Toestemming gegeven op"),
             _("Hoe"), _("Versie van de tekst"), _("Afmeldlink")]]  # fmt: skip
    for person, held in db.session.execute(consent.holders(Purpose.NEWSLETTER, theme=theme)).all():
        withdraw = external_url("consent.withdraw_by_link", token=consent.withdrawal_token(held))
        rows.append([person.name, person.email, person.organisation,
                     to_local(held.given_at).replace(tzinfo=None), consent.how_label(held.given_how),
                     held.text_version, withdraw])  # fmt: skip
    audit.record(
        audit.Action.EXPORT, by=by,
        detail=f"nieuwsbrieflijst {theme.slug if theme else 'werkplaats'}: {audit.people(len(rows) - 1)}",
    )  # fmt: skip
    return rows
