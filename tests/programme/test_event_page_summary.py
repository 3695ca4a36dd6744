"""The event page's summary block, the availability on programme cards (one rule, at every
edge of an event's life), and descriptions in a small, safe Markdown subset."""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote_plus

import pytest
import sqlalchemy as sa

from app.activity import summary
from app.activity.summary import State
from app.extensions import db
from app.markdown import markdown_plain, render_markdown
from app.programme import services as programme
from app.programme.models import Event, EventKind
from app.registration import services as registration
from app.timezones import utcnow
from tests.agenda.test_query_counts import counting_queries

NOW = utcnow().replace(microsecond=0)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"):
        yield


def event_at(starts_in=timedelta(days=7), status="published", capacity=40, **fields) -> Event:
    """An event in memory only: the availability rule reads nothing else."""
    start = NOW + starts_in
    return Event(kind=EventKind.KENNISCAFE, title="Kenniscafé", status=status, starts_at=start,
                 ends_at=start + timedelta(hours=2), capacity=capacity, **fields)  # fmt: skip


# --- the availability rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "event, seats_left, state",
    [
        (event_at(status="draft"), 40, State.DRAFT),
        (event_at(), 40, State.OPEN),
        (event_at(capacity=None), None, State.UNLIMITED),
        (event_at(), 0, State.FULL),
        (event_at(capacity=0), 0, State.FULL),
        (event_at(registration_closes_at=NOW - timedelta(minutes=1)), 40, State.CLOSED),
        (event_at(registration_closes_at=NOW), 40, State.CLOSED),  # closes at: closed
        (event_at(registration_closes_at=NOW + timedelta(minutes=1)), 40, State.OPEN),
        (event_at(registration_opens_at=NOW + timedelta(days=1)), 40, State.NOT_YET_OPEN),
        (event_at(registration_opens_at=NOW), 40, State.OPEN),  # opens at: open
        (event_at(starts_in=timedelta(0)), 40, State.CLOSED),  # started: closed
        (event_at(starts_in=timedelta(hours=-1)), 40, State.CLOSED),
        (event_at(starts_in=timedelta(hours=-2)), 40, State.OVER),  # ends now: over
        (event_at(starts_in=timedelta(days=-30)), 40, State.OVER),
        (event_at(status="cancelled"), 40, State.CANCELLED),
        (event_at(status="cancelled", starts_in=timedelta(days=-30)), 40, State.CANCELLED),
    ],
)
def test_availability_at_every_edge_of_an_events_life(request_context, event, seats_left, state):
    found = summary.availability(event, seats_left, NOW)
    assert found.state == state
    # The one rule for "may one register now" is the registration service's: never a second.
    assert found.registration_open == (registration.registration_closed_reason(event, NOW) is None)


@pytest.mark.parametrize("state", [State.DRAFT, State.CANCELLED, State.OVER, State.CLOSED,
                                   State.NOT_YET_OPEN])  # fmt: skip
def test_no_places_are_shown_where_one_cannot_register(request_context, state):
    found = summary.Availability(state, seats_left=12, opens_at=NOW)
    assert not found.shows_places and found.places_text is None
    assert "plaats" not in (found.label or "")


@pytest.mark.parametrize(
    "capacity, seats_left, almost_full",
    [
        (300, 30, True),  # 10% of a big themadag
        (300, 31, False),
        (20, 5, True),  # 5 places of a small kenniscafé
        (20, 6, False),
        (3, 3, True),  # a tiny group is always nearly full
    ],
)
def test_almost_full_at_ten_percent_or_five_places(
    request_context, capacity, seats_left, almost_full
):
    found = summary.availability(event_at(capacity=capacity), seats_left, NOW)
    assert (found.state == State.ALMOST_FULL) == almost_full
    assert found.state in (State.ALMOST_FULL, State.OPEN)


def test_labels_say_places_full_and_closed(request_context):
    label = lambda event, left: summary.availability(event, left, NOW).label  # noqa: E731
    assert label(event_at(capacity=100), 40) == "Nog 40 plaatsen vrij"
    assert label(event_at(capacity=100), 3) == "Bijna vol: nog 3 plaatsen vrij"
    assert label(event_at(capacity=100), 1) == "Bijna vol: nog 1 plaats vrij"
    assert label(event_at(), 0) == "Vol — wachtlijst"
    assert (
        label(event_at(registration_closes_at=NOW - timedelta(hours=1)), 5) == "Aanmelden gesloten"
    )
    assert label(event_at(starts_in=timedelta(minutes=-5)), 5) == "Aanmelden gesloten"
    assert label(event_at(starts_in=timedelta(days=-3)), 5) is None
    assert label(event_at(capacity=None), None) is None
    opens = event_at(registration_opens_at=NOW + timedelta(days=1))
    assert label(opens, 40).startswith("Aanmelden vanaf ")


def test_registration_deadline_is_the_closing_time_or_else_the_start(request_context):
    closes = NOW + timedelta(days=2)
    with_deadline = summary.availability(event_at(registration_closes_at=closes), 10, NOW)
    assert with_deadline.closes_at == closes
    without = event_at()
    assert summary.availability(without, 10, NOW).closes_at == without.starts_at
    assert summary.availability(without, 10, NOW).registration_text.startswith("Kan tot ")


@pytest.mark.parametrize(
    "kind, title, label",
    [
        (EventKind.THEMADAG, "Themadag: Generaties in de wijk", None),
        (EventKind.THEMADAG, "themadag over armoede", None),
        (EventKind.KENNISCAFE, "Kenniscafé: school en wijkteam", None),
        (EventKind.KENNISCAFE, "Kenniscafe school en wijkteam", None),
        (EventKind.KENNISCAFE, "Geldzorgen bespreekbaar maken", "Kenniscafé"),
        (EventKind.THEMADAG, "Generaties in de wijk", "Themadag"),
    ],
)
def test_the_kind_is_said_once(request_context, kind, title, label):
    assert summary.kind_label(Event(kind=kind, title=title)) == label


def test_map_link_searches_openstreetmap_for_the_address():
    event = Event(venue_name="HAN", address="Kapittelweg 33", city="Nijmegen")
    assert summary.map_url(event) == (
        "https://www.openstreetmap.org/search?query=" + quote_plus("Kapittelweg 33, Nijmegen")
    )
    assert summary.map_url(Event(venue_name="De Schakel", address="", city="Nijmegen")).endswith(
        "query=De+Schakel%2C+Nijmegen"
    )
    assert summary.map_url(Event(venue_name="", address="", city="")) is None


# --- descriptions in Markdown ----------------------------------------------------------------


def test_markdown_renders_paragraphs_lists_links_bold_and_italic():
    html = str(render_markdown(
        "Een dag over **jong** en *oud*.\nTweede regel.\n\n- lezingen\n- workshops\n\n"
        "1. eerst\n2. dan\n\n[Meer](https://example.org/info) en https://example.org/kaal"
    ))  # fmt: skip
    assert "<p>Een dag over <strong>jong</strong> en <em>oud</em>.<br>" in html
    assert "<ul>\n<li>lezingen</li>\n<li>workshops</li>\n</ul>" in html
    assert "<ol>\n<li>eerst</li>" in html
    assert '<a href="https://example.org/info" rel="noopener nofollow">Meer</a>' in html
    assert '<a href="https://example.org/kaal" rel="noopener nofollow">' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](vbscript:msgbox(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">klik</a>',
        '<iframe src="https://evil.example"></iframe>',
        "<b onmouseover=alert(1)>vet</b>",
        "![plaatje](https://evil.example/x.png)",
        '<https://ok.example/" onclick="alert(1)>',
    ],
)
def test_markdown_neutralises_html_scripts_and_dangerous_links(source):
    """Whatever is typed, the HTML holds only the subset's tags, no event handler and no link
    but http(s) and mailto; the rest shows as harmless text."""
    tags = _tags_in(str(render_markdown(source)))
    for tag, attributes in tags:
        assert tag in {"p", "br", "ul", "ol", "li", "strong", "em", "a"}, (source, tags)
        assert set(attributes) <= {"href", "rel", "start"}, (source, tags)
        if "href" in attributes:
            assert attributes["href"].startswith(("https://", "http://", "mailto:")), tags
            assert attributes["rel"] == "noopener nofollow"


def _tags_in(html: str) -> list[tuple[str, dict]]:
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_markdown_escapes_raw_html_as_text():
    assert str(render_markdown("<em>x</em> & <b>y</b>")) == (
        "<p>&lt;em&gt;x&lt;/em&gt; &amp; &lt;b&gt;y&lt;/b&gt;</p>"
    )


def test_markdown_plain_gives_the_words_for_an_excerpt():
    assert markdown_plain("**Vet** en [link](https://x.nl)\nregel\n\n- een\n- <b>twee</b>") == (
        "Vet en link regel een <b>twee</b>"
    )
    assert markdown_plain("") == "" and str(render_markdown("  ")) == ""


# --- the event page --------------------------------------------------------------------------


def test_summary_block_tells_when_where_cost_places_closing_and_accreditation(client, make_event):
    event = make_event(
        kind="themadag", title="Themadag: Generaties in de wijk", venue_name="HAN",
        address="Kapittelweg 33", city="Nijmegen", capacity=300,
        online_url="https://meet.example/geheim-123",
        registration_closes_at=NOW + timedelta(days=3),
        description="Een dag met **workshops**:\n\n- wonen\n- werk\n\n<script>alert(1)</script>",
    )  # fmt: skip
    programme.add_accreditation(event, "SKJ", "SKJ-341877", 5)
    db.session.commit()
    html = text(client.get(f"/activiteiten/{event.slug}"))
    block = html[html.index('class="event-summary') : html.index("</section>")]
    for expected in (
        "Wanneer", "Kapittelweg 33", "Kosten", "Gratis", "Nog 300 plaatsen vrij", "Aanmelden",
        "Kan tot ", "SKJ: 5 punten", "de link krijgt u na aanmelding", "Zet in uw agenda",
        'href="https://www.openstreetmap.org/search?query=Kapittelweg+33%2C+Nijmegen"',
        'href="#aanmelden"',
    ):  # fmt: skip
        assert expected in block, expected
    assert 'id="aanmelden"' in html and html.index('href="#aanmelden"') < html.index(
        'id="aanmelden"'
    )
    assert "meet.example" not in html  # the meeting link is for registrants only
    assert "<strong>workshops</strong>" in html and "<li>wonen</li>" in html
    assert "<script>alert(1)" not in html
    assert '<p class="event-kind">' not in html  # the title says "Themadag" already


def test_summary_says_what_it_costs_and_when_it_is_full_or_closed(client, make_event, register):
    paid = make_event(cost="€ 25, studenten gratis", capacity=1)
    register(paid, "Anna")
    html = text(client.get(f"/activiteiten/{paid.slug}"))
    assert "€ 25, studenten gratis" in html and "Gratis" not in html
    assert "Vol — wachtlijst" in html and 'href="#aanmelden"' in html

    closed = make_event(registration_closes_at=NOW - timedelta(hours=1))
    html = text(client.get(f"/activiteiten/{closed.slug}"))
    assert "Aanmelden gesloten" in html and 'href="#aanmelden"' not in html
    assert "plaatsen vrij" not in html

    past = make_event(starts_in=timedelta(days=-10))
    html = text(client.get(f"/activiteiten/{past.slug}"))
    assert "plaatsen vrij" not in html and "Aanmelden gesloten" in html


def test_online_only_event_says_where_the_link_comes_from(client, make_event):
    event = make_event(venue_name="", city="", online_url="https://meet.example/abc")
    html = text(client.get(f"/activiteiten/{event.slug}"))
    assert "Online (de link krijgt u na aanmelding)" in html and "meet.example" not in html
    assert "openstreetmap" not in html


def test_theme_and_session_descriptions_are_markdown(client, make_theme, make_event):
    theme = make_theme("Jeugd", description="Opvoeden in **de wijk**.\n\n- school\n- zorg")
    html = text(client.get(f"/themas/{theme.slug}"))
    assert "<strong>de wijk</strong>" in html and "<li>school</li>" in html
    assert "Opvoeden in de wijk. school zorg" in text(client.get("/themas"))  # the excerpt


# --- programme cards -------------------------------------------------------------------------


def test_programme_cards_say_places_full_closed_and_the_kind_once(client, make_event, register):
    open_ = make_event(title="Open avond", capacity=100)
    almost = make_event(title="Drukke avond", capacity=4)
    full = make_event(title="Volle avond", capacity=1)
    register(full, "Anna")
    make_event(title="Gesloten avond", registration_closes_at=NOW - timedelta(minutes=5))
    make_event(kind="themadag", title="Themadag: Generaties")
    make_event(kind="themadag", title="Generaties in de wijk", capacity=None)
    html = text(client.get("/"))

    def card(title: str) -> str:
        start = html.index(title)
        return html[html.rindex("<li", 0, start) : html.index("</li>", start)]

    assert "Nog 100 plaatsen vrij" in card("Open avond")
    assert "Bijna vol: nog 4 plaatsen vrij" in card("Drukke avond")
    assert "Vol — wachtlijst" in card("Volle avond")
    assert "Aanmelden gesloten" in card("Gesloten avond")
    assert "event-kind" not in card("Themadag: Generaties")
    assert 'class="event-kind">Themadag<' in card("Generaties in de wijk")
    assert "plaats" not in card("Generaties in de wijk")  # no maximum: nothing to warn about
    assert open_.id and almost.id


def test_past_events_never_show_places(client, make_event, make_theme):
    theme = make_theme("Armoede")
    make_event(title="Terugblik", capacity=40, starts_in=timedelta(days=-20), themes=[theme])
    assert "Terugblik" in (archive := text(client.get("/archief")))
    assert "plaats" not in archive[archive.index("Terugblik") :].split("</li>")[0]
    themed = text(client.get(f"/themas/{theme.slug}"))
    assert "Terugblik" in themed and "plaatsen vrij" not in themed


def test_programme_counts_places_in_one_query_for_the_whole_page(client, make_event, register):
    counts = []
    for extra in (1, 6):
        for i in range(extra):
            register(make_event(title=f"Avond {extra}-{i}", capacity=10), f"Persoon {extra} {i}")
        with counting_queries() as statements:
            assert client.get("/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_event_form_saves_the_cost(client, auth, make_user):
    from tests.programme.test_manage_events import event_form

    auth.login(make_user().email)
    page = text(client.get("/beheer/activiteiten/nieuw"))
    assert "Kosten" in page and "Leeg laten: gratis" in page
    client.post("/beheer/activiteiten/nieuw", data=event_form(cost="€ 15"))
    event = db.session.scalar(sa.select(Event))
    assert event.cost == "€ 15"
    copy, _shift = programme.duplicate_event(
        event, event.starts_at + timedelta(days=7), event.organisers[0]
    )
    assert copy.cost == "€ 15"
