"""Demo knowledge, so that a theme page of `make run` shows what a work team shares.

The theme "Intergenerationele overdracht" presents its work team: a trekker, two members who
agreed to be named, one who was asked and has not answered (not shown), and a handful of
followers, one of whom never confirmed. Its past kenniscafé has its slides (public) and a
report of the table talks (for attendees only), published; its "Praktijk en tools" shelf has a
conversation guide (a PDF made here) and a link to a publication with tools.

Everything goes through the services (`save_team`, `add_member`, the consent records, the
materials' rules and the upload check), so every rule holds. Made-up people are never mailed.
Idempotent: a team, member, follower or material that is there already is left alone."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import sqlalchemy as sa
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from app.accounts.models import User
from app.extensions import db
from app.knowledge import materials, team
from app.knowledge.models import Audience, MaterialKind
from app.knowledge.team import MemberDetails, TeamDetails
from app.knowledge.team_models import WorkTeamMember
from app.knowledge.uploads import check_upload
from app.mail.models import OutboxMessage
from app.privacy import consent
from app.privacy.consent import How
from app.privacy.models import Consent, Purpose
from app.programme import lifecycle
from app.programme.models import Event, Theme
from app.registration.models import Participant
from app.registration.participants import participant_by_email

THEME = "intergenerationele-overdracht"
PAST_EVENT = "kenniscafe-mantelzorg-jonge-mantelzorgers"  # 45 days before the demo was loaded

TEAM = TeamDetails(
    description=(
        "Het werkteam brengt lectoraat, wijkteams, gemeente en studenten samen rond één vraag: "
        "hoe geven generaties kennis, zorg en gewoonten aan elkaar door, en hoe sluit het "
        "wijkteam daarop aan?\n\n"
        "Wat we doen:\n\n"
        "- goede praktijken en tools uit de wijk verzamelen, op de plank *Praktijk en tools*;\n"
        "- de kenniscafés en de themadag van dit thema voorbereiden;\n"
        "- na elke activiteit delen wat er is gepresenteerd en besproken.\n\n"
        "Werkt u in de wijk met jong en oud? **Doe mee** en ontvang onze updates."
    ),
    lead_name="Dr. Fatima El Amrani",
    lead_organisation="Lectoraat Intergenerationele overdracht, Werkplaats Sociaal Domein",
)


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    organisation: str
    role: str = ""
    agreed: bool = True  # a member: agreed to be named; a follower: confirmed from the mail
    language: str = "nl"


MEMBERS = [
    Person("Joris Bakker", "joris.bakker@wijkteam.example", "Wijkteam Nijmegen-Oost",
           "Wijkcoach en ervaringsdeskundige"),
    Person("Selin Demir", "selin.demir@gemeente.example", "Gemeente Nijmegen",
           "Namens de gemeente"),
    # Asked by mail whether she may be named; no answer yet, so the site does not name her.
    Person("Yara Mahabier", "yara.mahabier@student.example", "Hogeschool, opleiding Social Work",
           "Student-onderzoeker", agreed=False),
]  # fmt: skip
FOLLOWERS = [
    Person("Marieke Hoogland", "marieke.hoogland@voorbeeld.example", "Stichting Welzijn West"),
    Person("Abdel Karimi", "abdel.karimi@voorbeeld.example", "Sociaal Wijkteam Dukenburg"),
    Person("Ellen Vermeulen", "ellen.vermeulen@voorbeeld.example", "GGD Gelderland-Zuid"),
    Person("Tom Reijnders", "tom.reijnders@voorbeeld.example", "Ouderenadvies Nijmegen",
           language="en"),
    Person("Priya Baldew", "priya.baldew@voorbeeld.example", "Buurtteam Jeugd en Gezin",
           agreed=False),  # signed up with Meedoen, never clicked the link
]  # fmt: skip


@dataclass(frozen=True)
class DemoMaterial:
    kind: str
    title: str
    description: str
    audience: str = Audience.PUBLIC
    url: str | None = None
    pdf_lines: tuple[str, ...] = ()  # the content of a PDF made here, when not a link

    @property
    def file_name(self) -> str:
        return self.title.split(":")[-1].strip().lower().replace(" ", "-") + ".pdf"


EVENT_MATERIALS = [
    DemoMaterial(
        MaterialKind.SLIDES,
        "Presentatie: Jonge mantelzorgers in beeld",
        "De dia's van de onderzoekers: hoeveel jongeren zorgen thuis mee, wat het van hen "
        "vraagt en welke signalen school en wijkteam kunnen zien.",
        pdf_lines=(
            "Jonge mantelzorgers in beeld",
            "Kenniscafé, Wijkcentrum De Schakel, Nijmegen",
            "",
            "1. Veel jongeren zorgen thuis mee, vaak zonder dat school het weet.",
            "2. Zorgen wordt vaak pas gezien als school eronder lijdt.",
            "3. Signalen: vermoeidheid, verzuim, weinig tijd voor vrienden.",
            "4. Wat helpt: erkenning, een vaste contactpersoon, respijt.",
        ),
    ),
    DemoMaterial(
        MaterialKind.REPORT,
        "Verslag van de tafelgesprekken",
        "Wat deelnemers aan de tafels vertelden over hun eigen praktijk. Omdat het om "
        "persoonlijke ervaringen gaat, alleen voor wie erbij was.",
        audience=Audience.ATTENDEES,
        pdf_lines=(
            "Verslag van de tafelgesprekken",
            "Alleen voor deelnemers: niet doorsturen.",
            "",
            "Tafel 1: school en wijkteam kennen elkaar vaak niet bij naam.",
            "Tafel 2: jongeren willen niet als 'zielig' gezien worden.",
            "Tafel 3: grootouders zijn vaak de stille mantelzorgers naast de jongere.",
        ),
    ),
]
SHELF_MATERIALS = [
    DemoMaterial(
        MaterialKind.PRACTICE,
        "Gespreksleidraad generaties",
        "Vijf vragen voor een gesprek met een gezin of buurtgroep over wat generaties elkaar "
        "geven en willen doorgeven. Gemaakt door het werkteam, getest in drie wijken.",
        pdf_lines=(
            "Gespreksleidraad generaties",
            "Werkteam Intergenerationele overdracht",
            "",
            "1. Wat heeft u van uw ouders of grootouders meegekregen dat u nu nog gebruikt?",
            "2. Wie in de familie of de buurt helpt wie, en wie zou dat willen?",
            "3. Welke gewoonten wilt u doorgeven, en welke juist niet?",
            "4. Waar lopen jong en oud tegen elkaar aan, en wat helpt dan?",
            "5. Welke kleine stap kunt u deze maand samen zetten?",
            "",
            "Tip: laat beide generaties aan het woord en vat samen in hun eigen woorden.",
        ),
    ),
    DemoMaterial(
        MaterialKind.LINK,
        "Betekenisvol contact tussen generaties",
        "Een verkenning van kennis, tools en methodieken om contact tussen jong en oud te "
        "organiseren, met voorbeelden van initiatieven in het land.",
        url=(
            "https://www.vrijwilligerswerk.nl/bibliotheek+samen+ouder+worden/2739527.aspx"
            "?t=intergenerationeel-contact-zorgt-voor-meer-respect-en-begrip"
        ),
    ),
]


def _pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page A4 PDF: the first line as its title, the others below it."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # the same bytes every run
    page.setTitle(lines[0])
    y = A4[1] - 3 * cm
    for number, line in enumerate(lines):
        page.setFont("Helvetica-Bold" if number == 0 else "Helvetica", 16 if number == 0 else 11)
        page.drawString(2.5 * cm, y, line)
        y -= 1 * cm if number == 0 else 0.7 * cm
    page.showPage()
    page.save()
    return buffer.getvalue()


def _details(item: DemoMaterial) -> materials.MaterialDetails:
    return materials.MaterialDetails(kind=item.kind, title=item.title,
                                     description=item.description, url=item.url,
                                     audience=item.audience)  # fmt: skip


def _upload(item: DemoMaterial):
    return check_upload(item.file_name, _pdf(item.pdf_lines)) if item.pdf_lines else None


@contextmanager
def _nobody_mailed() -> Iterator[None]:
    """What the services queue here (the question to a member, the materials mail) is for
    made-up people: taken out again before the commit, so it never reaches the outbox."""
    before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    yield
    db.session.flush()
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > before))


def _team(theme: Theme, organiser: User) -> None:
    if team.team_of(theme) is None:
        details = replace(TEAM, contact_user_id=organiser.id)
        team.save_team(theme, details, may_choose_contact=True)
    on_team = set(
        db.session.scalars(
            sa.select(Participant.email)
            .join(WorkTeamMember, WorkTeamMember.participant_id == Participant.id)
            .where(WorkTeamMember.theme_id == theme.id)
        )
    )
    for person in MEMBERS:
        if person.email in on_team:
            continue
        if person.agreed:  # consent already given (as if by letter): added, named, not asked
            participant = participant_by_email(person.email, person.name)
            consent.give(participant, Purpose.MEMBER_SHOWN, how=How.ADMIN,
                         language=person.language, theme=theme)  # fmt: skip
        team.add_member(theme, MemberDetails(person.name, person.email, person.organisation,
                                             person.role, person.language), by=organiser)  # fmt: skip


def _followers(theme: Theme) -> None:
    """Meedoen's double opt-in as it happens: asked, and confirmed by those who clicked."""
    for person in FOLLOWERS:
        participant = participant_by_email(person.email, person.name)
        asked_before = db.session.scalar(
            sa.select(Consent.id).where(
                Consent.participant_id == participant.id,
                Consent.purpose == Purpose.NEWSLETTER,
                Consent.theme_id == theme.id,
            )
        )
        if asked_before:
            continue
        participant.organisation = participant.organisation or person.organisation
        _asked, token = consent.ask(participant, Purpose.NEWSLETTER, how=How.MEEDOEN,
                                    language=person.language, theme=theme)  # fmt: skip
        if person.agreed and token is not None:
            consent.confirm(token)


def _event_materials(event: Event, organiser: User) -> None:
    """The past event's materials, added and then published as its organiser would."""
    there = {m.title for m in materials.event_materials(event)}
    for item in EVENT_MATERIALS:
        if item.title not in there:
            materials.add_event_material(event, _details(item), _upload(item), by=organiser)
    db.session.commit()  # publishing takes the event's lock first
    if materials.why_not_publishable(event) is None:
        with _nobody_mailed():
            materials.publish_event_materials(event)
        db.session.commit()


def _shelf(theme: Theme, organiser: User) -> None:
    there = {m.title for m in materials.theme_materials(theme)}
    for item in SHELF_MATERIALS:
        if item.title not in there:
            materials.add_theme_material(theme, _details(item), _upload(item), by=organiser)


def load_demo_knowledge(organiser: User) -> None:
    """Add what is missing of the demo theme's work team, followers and materials."""
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == THEME))
    if theme is None:
        return
    with _nobody_mailed():
        _team(theme, organiser)
        _followers(theme)
        _shelf(theme, organiser)
    db.session.commit()
    event = db.session.scalar(sa.select(Event).where(Event.slug == PAST_EVENT))
    if event is not None and lifecycle.phase(event) == lifecycle.Phase.OVER:
        _event_materials(event, organiser)
