"""Updates from a work team to its followers: who they are (a current newsletter consent for
the theme, confirmed by the person and not withdrawn — nobody else), a preview, a test to
oneself, the sending (once, also under a double click) and the history.

Each follower's mail is a row in the outbox with its own one-click withdrawal link
(List-Unsubscribe with List-Unsubscribe-Post, RFC 8058, and in the footer) that withdraws that
one consent and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.errors import DomainError, NotFoundHere
from app.extensions import db
from app.knowledge.team_models import WorkTeam, WorkTeamUpdate
from app.links import external_url, host
from app.locking import lock_row
from app.mail.models import OutboxMessage
from app.mail.services import MailContent, queue_message, render_message
from app.privacy import audit, consent
from app.privacy.models import Consent, Purpose
from app.programme.models import Theme
from app.registration.messages import REPEAT_WINDOW, SAMPLE_TOKEN, personalised
from app.registration.models import Participant
from app.text import sentence
from app.timezones import utcnow


def followers(theme: Theme) -> list[tuple[Participant, Consent]]:
    """Who gets the team's updates, by name: the holders of a current consent, each once."""
    seen, people = set(), []
    for participant, held in db.session.execute(consent.holders(Purpose.NEWSLETTER, theme=theme)):
        if participant.id not in seen:
            seen.add(participant.id)
            people.append((participant, held))
    return people


def follower_count(theme: Theme) -> int:
    holders = consent.holders(Purpose.NEWSLETTER, theme=theme)
    return db.session.scalar(
        holders.with_only_columns(sa.func.count(sa.distinct(Participant.id))).order_by(None)
    )


def awaiting_count(theme: Theme) -> int:
    """People who asked to follow and have not confirmed (yet): they get nothing."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Consent.participant_id))).where(
            Consent.purpose == Purpose.NEWSLETTER,
            Consent.theme_id == theme.id,
            Consent.given_at.is_(None),
            Consent.withdrawn_at.is_(None),
            ~Consent.participant_id.in_(
                sa.select(Consent.participant_id).where(
                    Consent.purpose == Purpose.NEWSLETTER,
                    Consent.theme_id == theme.id,
                    Consent.given_at.is_not(None),
                    Consent.withdrawn_at.is_(None),
                )
            ),
        )
    )


def list_id(theme: Theme) -> str:
    """The List-Id (RFC 2919) of a team's updates; a slug needs no folding or quoting."""
    return f"werkteam-{theme.slug} <werkteam-{theme.id}.{host()}>"


def _languages(theme: Theme) -> dict[str, str]:
    """The team's consent words in each language -> that language: a consent's own words tell
    which language the person used (a record whose words changed since gets the default)."""
    found = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            found[consent.wording(Purpose.NEWSLETTER, theme)] = language
    return found


def _content(theme: Theme, subject: str, body: str, name: str, *,
             withdraw_url: str) -> MailContent:  # fmt: skip
    """The update in the active language: the team's own words (a greeting only where they
    wrote {naam}), a link to the team's page, and the way out in the footer."""
    return MailContent(
        subject=personalised(subject, name),
        greeting="",
        paragraphs=[p.strip() for p in personalised(body, name).split("\n\n") if p.strip()],
        action=(_("Naar het werkteam"), external_url("work_teams.team", slug=theme.slug)),
        footer=(
            sentence(
                _(
                    "U ontvangt deze update omdat u het werkteam %(theme)s volgt. Geen updates meer ontvangen? Met deze link trekt u uw toestemming in:",
                    theme=theme.name,
                ),
                theme.name,
            ),
            withdraw_url,
        ),
    )


@dataclass
class Rendered:
    """An update as one follower will get it (None: nobody follows; a stand-in's name)."""

    recipient: Participant | None
    subject: str
    text: str
    html: str


def preview(theme: Theme, subject: str, body: str, people: list[tuple[Participant, Consent]],
            recipient_id: int | None = None, stand_in: str = "") -> Rendered:  # fmt: skip
    """The mail of one follower (the chosen one, else the first), in their language, with a
    withdrawal link that opens nothing: a preview issues no personal link."""
    chosen = next((p for p in people if p[0].id == recipient_id), people[0] if people else None)
    language = current_app.config["BABEL_DEFAULT_LOCALE"]
    if chosen is not None:
        language = _languages(theme).get(chosen[1].text, language)
    with force_locale(language):
        content = _content(theme, subject, body, chosen[0].name if chosen else stand_in,
                           withdraw_url=external_url("consent.withdraw_by_link", token=SAMPLE_TOKEN))  # fmt: skip
        return Rendered(chosen[0] if chosen else None, *render_message(content))


def send_test(theme: Theme, rendered: Rendered, address: str) -> OutboxMessage:
    """The previewed mail to the writer's own address only; no update is kept."""
    return queue_message(kind="work_team_update_test", recipient=address,
                         subject=f"[Test] {rendered.subject}", text_body=rendered.text,
                         html_body=rendered.html, reply_to=theme.contact_email)  # fmt: skip


@dataclass
class Sent:
    update: WorkTeamUpdate
    repeated: bool  # the same update was sent already (a double click): nothing went out now


def send_update(team: WorkTeam, subject: str, body: str, *, sent_by: User | None,
                shown_at: datetime | None = None) -> Sent:  # fmt: skip
    """Send an update to every follower, each with their own withdrawal link, keep it in the
    history and log it. Exactly once: under the team's lock, a second post of the same form
    (first shown at `shown_at`; without it, within REPEAT_WINDOW) finds the first one's."""
    team = lock_row(WorkTeam, team.id)
    theme = team.theme
    now = utcnow()
    since = min(shown_at, now) if shown_at else now - REPEAT_WINDOW
    earlier = db.session.scalar(
        sa.select(WorkTeamUpdate)
        .where(
            WorkTeamUpdate.theme_id == theme.id,
            WorkTeamUpdate.subject == subject,
            WorkTeamUpdate.body == body,
            WorkTeamUpdate.sent_at >= since,
        )
        .order_by(WorkTeamUpdate.id)
        .limit(1)
    )
    if earlier is not None:
        return Sent(earlier, repeated=True)
    people = followers(theme)
    if not people:
        raise DomainError(_l("Het werkteam heeft nog geen volgers: er is niets verstuurd."))
    update = WorkTeamUpdate(theme_id=theme.id, subject=subject, body=body, recipients=len(people),
                            sent_by_id=sent_by.id if sent_by else None, sent_at=now)  # fmt: skip
    db.session.add(update)
    db.session.flush()
    languages, default = _languages(theme), current_app.config["BABEL_DEFAULT_LOCALE"]
    for participant, held in people:
        withdraw_url = external_url("consent.withdraw_by_link",
                                    token=consent.withdrawal_token(held))  # fmt: skip
        with force_locale(languages.get(held.text, default)):
            mail_subject, text, html = render_message(
                _content(theme, subject, body, participant.name, withdraw_url=withdraw_url)
            )
        queue_message(kind="work_team_update", recipient=participant.email, subject=mail_subject,
                      text_body=text, html_body=html, reply_to=theme.contact_email,
                      list_id=list_id(theme), unsubscribe_url=withdraw_url)  # fmt: skip
    audit.record(audit.Action.MESSAGE, by=sent_by,
                 detail=f"update aan {len(people)} volger{'' if len(people) == 1 else 's'},"
                        f" werkteam {theme.name}")  # fmt: skip
    return Sent(update, repeated=False)


def history(theme: Theme) -> list[WorkTeamUpdate]:
    """The team's updates, the latest first."""
    return list(
        db.session.scalars(
            sa.select(WorkTeamUpdate)
            .where(WorkTeamUpdate.theme_id == theme.id)
            .order_by(WorkTeamUpdate.sent_at.desc(), WorkTeamUpdate.id.desc())
        )
    )


def update_of(theme: Theme, update_id: int) -> WorkTeamUpdate:
    update = db.session.get(WorkTeamUpdate, update_id)
    if update is None or update.theme_id != theme.id:
        raise NotFoundHere()
    return update
