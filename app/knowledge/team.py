"""The rules of a theme's work team: who may manage it, what it says about itself, its members
(shown by name only while their consent holds) and following it ("Meedoen", double opt-in).

Following is consent: a follower is the holder of a current newsletter consent for the theme,
asked with `consent.ask` and holding only once the person confirms it from the mail."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.errors import DomainError, NotAllowed, NotFoundHere
from app.extensions import db
from app.knowledge import team_mail
from app.knowledge.team_models import WorkTeam, WorkTeamMember
from app.privacy import audit, consent
from app.privacy.consent import How
from app.privacy.models import Consent, Purpose
from app.programme import services as programme
from app.programme.models import Theme
from app.registration.models import Participant

# The one place that finds or creates a person by address, safe when two requests race.
from app.registration.participants import participant_by_email
from app.tokens import token_hash

# A confirmation link confirms each consent asked with one Meedoen: their tokens joined by ".",
# a character the tokens (URL-safe base64) never hold.
LINK_SEPARATOR = "."
MAX_LINK_PARTS = 3


# --- who may do what -----------------------------------------------------------------------


def may_manage(user: User, team: WorkTeam | None) -> bool:
    """Organisers and admins manage every work team; the team's contact account its own."""
    if not user.is_authenticated:
        return False
    return user.may_organise or (team is not None and team.contact_user_id == user.id)


def team_of(theme: Theme) -> WorkTeam | None:
    return db.session.scalar(sa.select(WorkTeam).where(WorkTeam.theme_id == theme.id))


def presented_team(slug: str) -> WorkTeam:
    """The work team a theme presents; a 404 for a theme that has none (yet)."""
    theme = programme.theme_by_slug(slug)
    team = team_of(theme)
    if team is None:
        raise NotFoundHere(_l("Dit thema heeft (nog) geen werkteam."))
    return team


def managed_theme(user: User, slug: str) -> tuple[Theme, WorkTeam | None]:
    theme = programme.theme_by_slug(slug)
    team = team_of(theme)
    if not may_manage(user, team):
        raise NotAllowed()
    return theme, team


def managed_team(user: User, slug: str) -> WorkTeam:
    """The team, for its members, followers and updates: those need it described first."""
    _theme, team = managed_theme(user, slug)
    if team is None:
        raise NotFoundHere(_l("Beschrijf eerst het werkteam van dit thema."))
    return team


def teams_for(user: User) -> list[tuple[Theme, WorkTeam | None]]:
    """The themes whose work team this user may manage, by name, with the team if any."""
    rows = db.session.execute(
        sa.select(Theme, WorkTeam).outerjoin(WorkTeam).order_by(Theme.name, Theme.id)
    ).all()
    return [(theme, team) for theme, team in rows if may_manage(user, team)]


# --- the team itself -----------------------------------------------------------------------


@dataclass
class TeamDetails:
    description: str = ""
    lead_name: str = ""
    lead_organisation: str = ""
    contact_user_id: int | None = None


def contact_candidates() -> list[User]:
    """Accounts that may be a team's contact: any active one (a lead may only check in)."""
    return list(db.session.scalars(sa.select(User).where(User.active).order_by(User.name)))


def save_team(theme: Theme, details: TeamDetails, *, may_choose_contact: bool) -> WorkTeam:
    """Describe the theme's work team (presenting it from now on) or change it. Only an
    organiser chooses the contact account: a contact cannot hand their access on."""
    team = team_of(theme)
    if team is None:
        team = WorkTeam(theme_id=theme.id)
        db.session.add(team)
    team.description = details.description
    team.lead_name = details.lead_name
    team.lead_organisation = details.lead_organisation
    if may_choose_contact:
        if details.contact_user_id is not None:
            user = db.session.get(User, details.contact_user_id)
            if user is None or not user.active:
                raise DomainError(_l("Kies een actief account."))
        team.contact_user_id = details.contact_user_id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # someone else described it at the same moment
        raise DomainError(_l("Iemand anders heeft dit werkteam net beschreven. Probeer het opnieuw.")) from None  # fmt: skip
    return team


# --- members -------------------------------------------------------------------------------


@dataclass
class MemberDetails:
    name: str
    email: str
    organisation: str = ""
    role: str = ""
    language: str = "nl"


@dataclass
class MemberRow:
    """A member as organisers see them: shown now, asked and not (yet) confirmed, or
    withdrawn (not shown)."""

    member: WorkTeamMember
    state: str  # "shown", "asked" or "withdrawn"


def _shown_consent(theme_id: int):
    """The condition "this member's MEMBER_SHOWN consent for this theme holds now"."""
    return sa.exists().where(
        Consent.participant_id == WorkTeamMember.participant_id,
        Consent.purpose == Purpose.MEMBER_SHOWN,
        Consent.theme_id == theme_id,
        Consent.given_at.is_not(None),
        Consent.withdrawn_at.is_(None),
    )


def shown_members(theme: Theme) -> list[WorkTeamMember]:
    """The members the site may name: those whose consent holds now, by name."""
    return list(
        db.session.scalars(
            sa.select(WorkTeamMember)
            .join(Participant)
            .where(WorkTeamMember.theme_id == theme.id, _shown_consent(theme.id))
            .options(so.contains_eager(WorkTeamMember.participant))
            .order_by(Participant.name, WorkTeamMember.id)
        )
    )


def members(theme: Theme) -> list[MemberRow]:
    """Every member, by name, with whether they are shown."""
    asked = sa.exists().where(
        Consent.participant_id == WorkTeamMember.participant_id,
        Consent.purpose == Purpose.MEMBER_SHOWN,
        Consent.theme_id == theme.id,
        Consent.given_at.is_(None),
        Consent.withdrawn_at.is_(None),
    )
    rows = db.session.execute(
        sa.select(WorkTeamMember, _shown_consent(theme.id), asked)
        .join(Participant)
        .where(WorkTeamMember.theme_id == theme.id)
        .options(so.contains_eager(WorkTeamMember.participant))
        .order_by(Participant.name, WorkTeamMember.id)
    ).all()
    return [
        MemberRow(member, "shown" if shown else "asked" if waiting else "withdrawn")
        for member, shown, waiting in rows
    ]


def add_member(theme: Theme, details: MemberDetails, *, by: User) -> tuple[WorkTeamMember, bool]:
    """Add a person to the team and ask them by mail whether their name may be shown; they
    are shown once they confirm. Returns the member and whether a mail asks them (False: their
    consent holds already, so they are shown at once)."""
    participant = participant_by_email(details.email, details.name.strip())
    if details.organisation and not participant.organisation:
        participant.organisation = details.organisation
    member = WorkTeamMember(theme_id=theme.id, participant_id=participant.id, role=details.role,
                            name=details.name.strip(), added_by_id=by.id)  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError:
        raise DomainError(_l("Deze persoon is al lid van het werkteam.")) from None
    held, token = consent.ask(participant, Purpose.MEMBER_SHOWN, how=How.MEMBER_INVITED,
                              language=details.language, theme=theme)  # fmt: skip
    if token is not None:
        team_mail.member_asked(member, held, token, details.language, by=by)
    audit.record(audit.Action.MEMBER_ADDED, by=by, participant_id=participant.id,
                 detail=f"werkteam {theme.slug}")  # fmt: skip
    return member, token is not None


def remove_member(theme: Theme, member_id: int) -> WorkTeamMember:
    """Take someone off the team: no longer shown, and a confirmation link they still have
    shows nothing any more (their consent for it ends)."""
    member = db.session.get(WorkTeamMember, member_id)
    if member is None or member.theme_id != theme.id:
        raise NotFoundHere()
    for open_consent in db.session.scalars(
        sa.select(Consent).where(
            Consent.participant_id == member.participant_id,
            Consent.purpose == Purpose.MEMBER_SHOWN,
            Consent.theme_id == theme.id,
            Consent.withdrawn_at.is_(None),
        )
    ):
        consent.withdraw(open_consent, how=How.MEMBER_REMOVED)
    db.session.delete(member)
    db.session.flush()
    return member


def memberships_of(participant: Participant) -> list[WorkTeamMember]:
    """A person's memberships, for their data export."""
    return list(
        db.session.scalars(
            sa.select(WorkTeamMember)
            .where(WorkTeamMember.participant_id == participant.id)
            .order_by(WorkTeamMember.id)
        )
    )


def forget(participant: Participant) -> int:
    """Erasure: the person's memberships go (their consents go with the privacy rules)."""
    return db.session.execute(
        sa.delete(WorkTeamMember).where(WorkTeamMember.participant_id == participant.id)
    ).rowcount


# --- following: Meedoen --------------------------------------------------------------------


@dataclass
class JoinDetails:
    name: str
    email: str
    organisation: str = ""
    team_updates: bool = True
    newsletter: bool = False
    language: str = "nl"


def join(theme: Theme, details: JoinDetails) -> None:
    """Ask for the consents chosen on the Meedoen form and mail the person one link that
    confirms them. What is known about the address changes only what the mail says, never
    what the visitor sees: anyone can type anyone's address."""
    participant = participant_by_email(details.email, details.name.strip())
    if details.organisation and not participant.organisation:
        participant.organisation = details.organisation
    scopes = ([theme] if details.team_updates else []) + ([None] if details.newsletter else [])
    asked, holding = [], []
    for scope in scopes:
        held, token = consent.ask(participant, Purpose.NEWSLETTER, how=How.MEEDOEN,
                                  language=details.language, theme=scope)  # fmt: skip
        if token is None:
            holding.append(held)
        else:
            asked.append((held, token))
    link = LINK_SEPARATOR.join(token for _held, token in asked) or None
    team_mail.confirm_following(participant, theme, [h for h, _t in asked], holding, link,
                                details.language)  # fmt: skip


def _asked_by_link(link: str) -> list[tuple[str, Consent]]:
    """Each token of a confirmation link with the consent it asks, still open (not
    withdrawn), the theme's first; a 404 when there is none."""
    parts = link.split(LINK_SEPARATOR) if link else []
    if not parts or len(parts) > MAX_LINK_PARTS or any(not p or len(p) > 100 for p in parts):
        raise NotFoundHere()
    by_hash = {token_hash(p): p for p in parts}
    found = db.session.scalars(
        sa.select(Consent).where(
            Consent.confirm_token_hash.in_(by_hash), Consent.withdrawn_at.is_(None)
        )
    ).all()
    if not found:
        raise NotFoundHere()
    found = sorted(found, key=lambda c: (c.theme_id is None, c.id))
    return [(by_hash[c.confirm_token_hash], c) for c in found]


def asked_by_link(link: str) -> list[Consent]:
    """What the confirmation page asks the person to confirm (a GET changes nothing)."""
    return [asked for _token, asked in _asked_by_link(link)]


def confirm(link: str) -> list[Consent]:
    """The person confirms from the mail; twice is once. Where the same consent was asked
    twice (the form sent twice) and the other holds already, that one stays the only one."""
    confirmed = []
    for token, asked in _asked_by_link(link):
        scope = {"theme": asked.theme} if asked.theme_id is not None else {}
        holding = consent.current(asked.participant, asked.purpose, **scope)
        confirmed.append(holding if holding is not None else consent.confirm(token))
    return confirmed
