"""A fuzzer in the suite: every route in app.url_map, as the role that may use it, gets
generated input — form posts with a valid CSRF token, JSON bodies, path parameters and query
strings — and no answer may be a server error.

Routes come from the URL map, and each form's fields and choices from the page that shows it,
so a new route or field is fuzzed without touching this file. Requests change the database as
they go, so a failure is not shrunk: every failing request is collected and listed with the
cause the app logged. Hypothesis is derandomized, so CI sends the same requests every run."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from app.agenda import services as agenda
from app.agenda.models import Room, Session, Speaker
from app.extensions import db
from app.programme.models import Accreditation, Event
from app.registration.models import Question, Registration
from app.registration.tokens import issue_manage_token
from app.timezones import to_local
from tests.conftest import PASSWORD

# A drawn form can be tens of kB; Hypothesis warns that printing it is expensive. That is no
# defect of the app, and warnings are errors in this suite.
pytestmark = [pytest.mark.filterwarnings("ignore:Generating overly large repr"), pytest.mark.sweep]

# Examples per route: the whole file stays under a minute on SQLite on two cores.
FORM_EXAMPLES = 15
JSON_EXAMPLES = 3  # JSON bodies to form routes
JSON_ENDPOINT_EXAMPLES = 40  # routes a JSON answer links to, like the timetable editor's moves
GET_EXAMPLES = 6
ANONYMOUS_EXAMPLES = 1  # on organiser routes, where they meet the login page


def fuzz_settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], print_blob=False,
                    suppress_health_check=list(HealthCheck))  # fmt: skip


@pytest.fixture
def app_config(base_config):
    # Mail stays in the outbox: a background sender thread drawing random message ids while
    # Hypothesis draws would trip its "random used inside a strategy" check (seen: flaky).
    return {**base_config, "WTF_CSRF_ENABLED": True, "MAIL_DELIVERY": "manual"}


# --- what is sent ---------------------------------------------------------------------------

LOCAL = "%Y-%m-%dT%H:%M"
NASTY = ["", " ", "\t", "\r\n", "\u00a0", "\u2028", "  \n ", "a\r\nBcc: x@example.org",
         "\x01\x08\x0b\x1b[31m", "\x7f\x85\x9f", "\ufeff\ufffe\uffff", "=1+1", "@SUM(A1)",
         "'; drop table events;--", "<script>alert(1)</script>", "../../etc/passwd", "%00",
         "\U0001f4a5" * 20, "x" * 10_000, "\u00e9" * 20_000, "ﷺ㎒㍱ﬃ⑽" * 40, "Q&A: wat? [1/2] *",
         "\x00"]  # fmt: skip
NUMBERS = ["0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9" * 20, "9" * 5000,
           "1e309", "1e-400", "NaN", "sNaN", "-Infinity", "0x1F", "1_000", "\u0661\u0662",
           " 7 ", "3.5", "-0"]  # fmt: skip
DATES = ["0001-01-01T00:00", "9999-12-31T23:59", "9998-01-01T10:00", "1999-12-31T23:59",
         "2101-01-01T00:00", "2000-01-01T00:00", "2100-12-31T23:59", "2030-02-30T10:00",
         "2030-03-31T02:30", "2030-03-12", "2030-03-12T19:30:00", "2030-03-12T25:00",
         "12-03-2030 19:30"]  # fmt: skip
RAW_JSON = ["[" * 100 + "]" * 100, "[" * 5_000 + "]" * 5_000, "[" * 200_000 + "]" * 200_000,
            '{"a":' * 50_000, "{", "\ufeff{}", "NaN", "1" * 5000, '"\\ud800"', "[]", "null",
            '{"starts_at": []}']  # fmt: skip

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
junk = (st.sampled_from(NASTY + NUMBERS + DATES) | text | st.integers(-(2**80), 2**80).map(str)
        | st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")))  # fmt: skip
json_leaf = (st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats() | text
             | st.sampled_from(NUMBERS + DATES))  # fmt: skip


# --- reading what the site shows --------------------------------------------------------------


class PageReader(HTMLParser):
    """A page's POST forms (action path → field name → (kind, values offered)) and the names
    its links and GET forms use."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path, self.forms, self.query_keys = page_path, {}, set()
        self._fields: dict | None = None
        self._select: str | None = None

    def _add(self, name, kind, value) -> None:
        if name and self._fields is not None:
            self._fields.setdefault(name, (kind, set()))[1].add(value or "")
        elif name:
            self.query_keys.add(name)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path).path or self.page_path
            posts = (a.get("method") or "get").lower() == "post"
            self._fields = self.forms.setdefault(action, {}) if posts else None
        elif tag in ("input", "button", "textarea"):
            # A field people cannot reach (a honeypot) is left empty, as a person leaves it.
            kind = "unreachable" if a.get("tabindex") == "-1" else a.get("type", tag)
            self._add(a.get("name"), kind, a.get("value", "y" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self._add(self._select, "select", a.get("value"))
        elif tag == "a" and "?" in (a.get("href") or ""):
            self.query_keys.update(k for k, _v in parse_qsl(urlsplit(a["href"]).query))

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def json_objects(value, found: list) -> list[dict]:
    """Every object in a JSON document, with its nested objects and lists left out: the
    shapes a client of this JSON posts back (a session in the timetable's state)."""
    if isinstance(value, dict):
        found.append({k: v for k, v in value.items() if not isinstance(v, dict | list)})
        value = list(value.values())
    for inner in value if isinstance(value, list) else ():
        json_objects(inner, found)
    return found


PARAMETER = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")


def parameters(rule) -> dict[str, str]:
    """name → converter, e.g. {"event_id": "int", "kind": "any(csv, xlsx)"}."""
    return {name: converter or "default" for converter, name in PARAMETER.findall(rule.rule)}


def fill(rule, values: dict) -> str:
    return PARAMETER.sub(lambda m: quote(str(values[m.group(2)]), safe=""), rule.rule)


def real_values(rule, world: dict) -> dict:
    values = {}
    for name, converter in parameters(rule).items():
        if converter.startswith("any("):
            values[name] = converter[4:-1].split(",")[0].strip()
        elif name == "slug":
            values[name] = world["theme_slug"] if "/themas/" in rule.rule else world["event_slug"]
        else:
            values[name] = world.get(name, 1)
    return values


def organisers_only(rule) -> bool:
    return rule.rule.startswith("/beheer") and rule.endpoint != "accounts.login"


# --- the people and the data ----------------------------------------------------------------


class Visitor:
    """A test client in one role with its CSRF token; it logs in again after a fuzzed request
    logged it out."""

    def __init__(self, app, user=None):
        self.user, self.client, self.token = user, app.test_client(), ""
        self.refresh()

    def refresh(self) -> None:
        if self.user is not None and self.client.get("/beheer/activiteiten").status_code != 200:
            self.client.post("/beheer/inloggen", data={"csrf_token": self._token(),
                             "email": self.user.email, "password": PASSWORD})  # fmt: skip
        self.token = self._token()

    def _token(self) -> str:
        page = self.client.get("/").get_data(as_text=True)
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def post(self, path: str, data: dict) -> None:
        response = self.client.post(path, data={"csrf_token": self.token, **data})
        assert response.status_code < 400, (path, response.status_code)


@pytest.fixture
def people(app, make_user, make_theme):
    organiser = Visitor(app, make_user("organiser"))
    organiser.post("/beheer/sprekers", {"name": "Spreker", "organisation": "Werkplaats"})
    return {"anonymous": Visitor(app), "organiser": organiser, "admin": Visitor(app, make_user("admin")),
            "victim": make_user("organiser"),  # whose account the fuzzed user form edits
            "theme": make_theme("Wonen en zorg")}  # fmt: skip


@pytest.fixture
def make_world(people, make_event, register):
    """A published themadag of the organiser with two rooms, a ronde of two workshops and a
    plenary session, a question of every kind, an accreditation and two registrations (one
    with a place, one waiting): what every route's path and form can refer to."""

    def make() -> dict:
        organiser = people["organiser"]
        event = make_event(owner=organiser.user, kind="themadag", hours=8, capacity=1,
                           catering=True, themes=[people["theme"]])  # fmt: skip
        rooms = [agenda.add_room(event, {"name": n, "capacity": 5}) for n in ("Aula", "Zaal 2")]
        start = event.starts_at
        for title, kind, room, hour in [("Wonen", "workshop", rooms[0], 1), ("Geld", "workshop", rooms[1], 1),
                                        ("Slot", "plenary", rooms[0], 3)]:  # fmt: skip
            agenda.add_session(event, {"kind": kind, "title": title, "room_id": room.id,
                                       "starts_at": start + timedelta(hours=hour),
                                       "ends_at": start + timedelta(hours=hour + 1)})  # fmt: skip
        db.session.commit()
        base = f"/beheer/activiteiten/{event.id}"
        for question, kind in [("Fiets?", "yes_no"), ("Lunch?", "choice"), ("Vraag?", "text")]:
            organiser.post(f"{base}/vragen", {"text": question, "kind": kind, "options": "Ja\nNee",
                                              "required": "y"})  # fmt: skip
        organiser.post(f"{base}/accreditaties", {"register": "SKJ", "accreditation_id": "A-1", "points": "2.5"})  # fmt: skip
        confirmed, waiting = register(event, "Anna"), register(event, "Bert")
        token = issue_manage_token(confirmed)
        db.session.commit()

        def first(model, *where):
            return db.session.scalar(sa.select(sa.func.min(model.id)).where(*where))

        return {"event_id": event.id, "event_slug": event.slug, "theme_slug": people["theme"].slug,
                "session_id": first(Session, Session.event_id == event.id), "room_id": first(Room, Room.event_id == event.id),
                "question_id": first(Question, Question.event_id == event.id), "speaker_id": first(Speaker),
                "accreditation_id": first(Accreditation, Accreditation.event_id == event.id),
                "registration_id": waiting.id, "registrations": (confirmed.id, waiting.id),
                "user_id": people["victim"].id, "token": token, "filename": "css/app.css",
                "dates": [to_local(start + timedelta(minutes=m)).strftime(LOCAL) for m in (0, 60, 90, 120, 480)]}  # fmt: skip

    return make


def intact(world: dict) -> bool:
    """Whether everything the world's ids point to is still there as it was made: a cancelled
    or deleted event would starve the routes fuzzed after it."""
    db.session.expire_all()
    event, session = db.session.get(Event, world["event_id"]), db.session.get(Session, world["session_id"])  # fmt: skip
    others = [db.session.get(model, world[name]) for model, name in
              [(Room, "room_id"), (Question, "question_id"), (Accreditation, "accreditation_id")]]  # fmt: skip
    registrations = [db.session.get(Registration, i) for i in world["registrations"]]
    return (event is not None and event.status == "published" and session is not None
            and session.status == "scheduled" and None not in others
            and all(r is not None and r.status != "cancelled" for r in registrations))  # fmt: skip


# --- sending, and collecting server errors with their cause -------------------------------------


class Failures(logging.Handler):
    """Sends the requests; keeps every answer ≥ 500 (or exception out of the app) with the
    cause the app logged for it."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.cause, self.found, self.requests = "", [], 0

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            self.cause = _cause(record.exc_info[1])

    def send(self, visitor, method: str, path: str, body=None, **kwargs):
        self.requests, self.cause = self.requests + 1, ""
        try:
            response = visitor.client.open(path, method=method, **kwargs)
        except Exception as error:  # an error in an error handler reaches the client
            self.found.append(f"raised {method} {path} {_shown(body)}\n    {_cause(error)}")
            return None
        if response.status_code >= 500:
            self.found.append(f"{response.status_code} {method} {path} {_shown(body)}\n    {self.cause}")  # fmt: skip
        return response

    def report(self) -> str:
        return f"{len(self.found)} server errors:\n" + "\n".join(self.found[:40])


def _cause(error: BaseException) -> str:
    """The error, the last line of ours it passed through, and where it was raised."""
    frames, tb = [], error.__traceback__
    while tb is not None:
        frames.append(f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}")
        tb = tb.tb_next
    ours = [f.rsplit("/app/", 1)[1] for f in frames if "/app/" in f and "site-packages" not in f]
    raised = "/".join(frames[-1].rsplit("/", 2)[-2:]) if frames else "?"
    return f"{type(error).__name__}: {str(error)[:200]} (at {ours[-1] if ours else '?'}, in {raised})"  # fmt: skip


def _shown(body) -> str:
    shown = repr(body)
    return shown if len(shown) < 300 else shown[:300] + "…"


@pytest.fixture
def failures():
    handler = Failures()
    logging.getLogger("app").addHandler(handler)
    yield handler
    logging.getLogger("app").removeHandler(handler)
    print(f"\nfuzz: {handler.requests} requests")


# --- discovery: every page, with real values ------------------------------------------------------


@dataclass
class Site:
    forms: dict = field(default_factory=dict)  # (POST endpoint, role) → a page with its form
    reached: set = field(default_factory=set)  # (GET endpoint, role) answered below 400
    field_names: set = field(default_factory=set)  # every POST form field seen
    query_keys: set = field(default_factory=set)  # names in links and GET forms
    json_objects: list = field(default_factory=list)  # objects seen in JSON answers
    json_endpoints: set = field(default_factory=set)  # POST routes a JSON answer links to

    def role_for(self, rule) -> str:
        """Anonymous on public routes; on organiser routes the event's organiser, unless only
        an admin gets to them (themes, accounts)."""
        if not organisers_only(rule):
            return "anonymous"
        seen = self.reached | set(self.forms)
        only_admin = (rule.endpoint, "admin") in seen and (rule.endpoint, "organiser") not in seen
        return "admin" if only_admin else "organiser"


def discover(app, people, world, failures) -> Site:
    """GET every page with real values as each role that may see it, and note what it offers."""
    adapter, site = app.url_map.bind("localhost"), Site()

    def post_endpoint(path):
        try:
            return adapter.match(urlsplit(path).path, method="POST")[0]
        except HTTPException:
            return None

    for rule in [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]:  # fmt: skip
        for role in ("organiser", "admin") if organisers_only(rule) else ("anonymous",):
            path = fill(rule, real_values(rule, world))
            response = failures.send(people[role], "GET", path)
            if response is None or response.status_code >= 400:
                continue
            site.reached.add((rule.endpoint, role))
            if response.is_json:
                for found in json_objects(response.get_json(), []):
                    site.json_objects.append(found)
                    links = {v for v in found.values() if isinstance(v, str) and v.startswith("/")}
                    site.json_endpoints |= {post_endpoint(link) for link in links} - {None}
            elif response.mimetype == "text/html":
                reader = PageReader(path)
                reader.feed(response.get_data(as_text=True))
                site.query_keys |= reader.query_keys | set(parameters(rule))
                for action, fields in reader.forms.items():
                    site.field_names |= set(fields) - {"csrf_token"}
                    if endpoint := post_endpoint(action):
                        site.forms.setdefault((endpoint, role), rule)
    site.json_endpoints -= {endpoint for endpoint, _role in site.forms}  # those are form routes
    return site


def form_fields(visitor, role, rule, site, world, failures) -> dict[str, list[str]]:
    """The fields of the form that posts to `rule`, with the values its page offers now."""
    page = site.forms.get((rule.endpoint, role))
    response = page and failures.send(visitor, "GET", fill(page, real_values(page, world)))
    if response is None:
        return {}
    reader = PageReader(fill(page, real_values(page, world)))
    reader.feed(response.get_data(as_text=True))
    fields = reader.forms.get(fill(rule, real_values(rule, world)), {})
    return {name: kind_values for name, kind_values in fields.items() if name != "csrf_token"}


# --- the fuzzers --------------------------------------------------------------------------------


PLAUSIBLE = {"email": ["anna@example.org", "nieuw@example.org"], "number": ["1", "5"],
             "url": ["https://example.org/live"], "password": [PASSWORD], "unreachable": [""]}  # fmt: skip


def plausible(name: str, kind: str, offered: set[str], dates: list[str]) -> list[str]:
    """What a person would send: a value the page offers, else one that fits the field."""
    if offered - {""}:
        return sorted(offered - {""})
    if kind in ("datetime-local", "date"):  # an end after its start, mostly
        return dates[2:] if any(word in name for word in ("ends", "closes")) else dates[:3]
    return PLAUSIBLE.get(kind, ["Tekst"])


def draw_form(data, fields: dict, site: Site, dates: list[str]) -> MultiDict:
    """The real form filled in plausibly with a field or two fuzzed or left out, and
    sometimes junk fields besides: one bad value at a time reaches furthest into the code."""
    names = sorted(fields)
    some = st.lists(st.sampled_from(names), max_size=2) if names else st.just([])
    fuzzed, omitted = set(data.draw(some)), set(data.draw(some)[:1])
    form = MultiDict()
    for name in [n for n in names if n not in omitted]:
        kind, offered = fields[name]
        values = st.lists(junk, min_size=1, max_size=2) if name in fuzzed else (
            st.sampled_from(plausible(name, kind, offered, dates)).map(lambda v: [v]))  # fmt: skip
        for value in data.draw(values):
            form.add(name, value)
    extra_names = st.sampled_from(sorted(site.field_names)) | text if site.field_names else text
    for name, value in data.draw(st.lists(st.tuples(extra_names, junk), max_size=2)):
        form.add(name, value)
    return form


def draw_json(data, objects: list[dict], path: str) -> str:
    """Mostly an object the site's JSON showed (the one that links to `path`, if any) with one
    value fuzzed or left out; else any JSON value, or a body no parser likes."""
    keys = sorted({key for seen in objects for key in seen})
    names = st.sampled_from(keys) | text if keys else text
    anything = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(names, inner, max_size=4), max_leaves=12)  # fmt: skip
    choice = data.draw(st.sampled_from(["shown", "shown", "anything", "unparsable"]))
    if choice == "unparsable" or not objects:
        return data.draw(st.sampled_from(RAW_JSON) | anything.map(json.dumps))
    if choice == "anything":
        return json.dumps(data.draw(anything))
    body = dict(data.draw(st.sampled_from([o for o in objects if path in o.values()] or objects)))
    change = data.draw(st.sampled_from(["none", "fuzz", "leave out"]))
    if body and change != "none":
        key = data.draw(st.sampled_from(sorted(body)))
        elsewhere = sorted({json.dumps(o[key]) for o in objects if key in o})  # another room…
        body[key] = data.draw(st.sampled_from(elsewhere).map(json.loads) | json_leaf)
        if change == "leave out":
            del body[key]
    return json.dumps(body)


def run(examples: int, one_request) -> None:
    """`one_request(data)` as a Hypothesis test with `examples` examples."""
    fuzz_settings(examples)(given(st.data())(one_request))()


# Routes after which a visitor logs in again and takes a fresh CSRF token.
SESSION_CHANGING = {"accounts.logout", "accounts.login", "site.set_language"}


def fuzz_forms(rule, visitor, world, site, fields, failures, examples: int) -> None:
    def post_form(data):
        form = draw_form(data, fields, site, world["dates"])
        body = MultiDict([("csrf_token", visitor.token), *form.items(multi=True)])
        failures.send(visitor, "POST", fill(rule, real_values(rule, world)), form.to_dict(flat=False), data=body)  # fmt: skip
        if rule.endpoint in SESSION_CHANGING:
            visitor.refresh()

    run(examples, post_form)


def fuzz_json(rule, visitor, world, site, failures, examples: int) -> None:
    def post_json(data):
        path = fill(rule, real_values(rule, world))
        body = draw_json(data, site.json_objects, path)
        failures.send(visitor, "POST", path, body, data=body, content_type="application/json",
                      headers={"X-CSRFToken": visitor.token})  # fmt: skip

    run(examples, post_json)


def fuzz_gets(rule, visitor, world, query_names, failures) -> None:
    def get(data):
        values = real_values(rule, world)
        for name in values:
            values[name] = data.draw(st.just(values[name]) | junk | st.integers(-5, 2**70))
        query = data.draw(st.lists(st.tuples(query_names, junk), max_size=3))
        url = fill(rule, values)
        if query:
            url += "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
        failures.send(visitor, "GET", url)

    run(GET_EXAMPLES, get)


def test_no_post_answers_with_a_server_error(app, people, make_world, failures):
    world = make_world()
    site = discover(app, people, world, failures)
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) > 20 and site.forms and site.json_endpoints, "discovery found too little"
    for rule in posts:
        world = world if intact(world) else make_world()
        role = site.role_for(rule)
        fields = form_fields(people[role], role, rule, site, world, failures)
        fuzz_forms(rule, people[role], world, site, fields, failures, FORM_EXAMPLES)
        json_examples = JSON_ENDPOINT_EXAMPLES if rule.endpoint in site.json_endpoints else JSON_EXAMPLES  # fmt: skip
        fuzz_json(rule, people[role], world, site, failures, json_examples)
        if role != "anonymous":
            fuzz_forms(rule, people["anonymous"], world, site, {}, failures, ANONYMOUS_EXAMPLES)
    assert not failures.found, failures.report()


def test_no_get_answers_with_a_server_error(app, people, make_world, failures):
    world = make_world()
    site = discover(app, people, world, failures)
    query_names = st.sampled_from(sorted(site.query_keys)) | text
    for rule in [r for r in app.url_map.iter_rules() if "GET" in r.methods]:
        fuzz_gets(rule, people[site.role_for(rule)], world, query_names, failures)
    assert not failures.found, failures.report()
