"""Checks for iCalendar text, for the feed and mail tests: two independent parsers and the
wire-format rules of RFC 5545.

- `icaljs(text)` parses with Mozilla's ical.js (Thunderbird's parser) in node, through
  tests/js/check_ics.mjs (installed by `make test`: `npm ci --prefix tests/js`).
- `vobject_events(text)` parses with vobject, validates, and converts with the calendar's own
  VTIMEZONEs.
- `assert_wire_format(data)` checks the bytes: CRLF, 75-octet folding, UTF-8 per line, envelope.
- `unfold(data)` and `props(text, name)` help tests look at content lines.

Each check raises AssertionError with the reason, so a test simply calls it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import vobject
import vobject.icalendar

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECK_ICS = REPO_ROOT / "tests" / "js" / "check_ics.mjs"
NODE_MODULES = REPO_ROOT / "tests" / "js" / "node_modules" / "ical.js"

MAX_LINE_OCTETS = 75
# RFC 5545 3.1: name = iana-token / x-name (ALPHA, DIGIT, "-"), then ";" params or ":" value.
CONTENT_LINE_START = re.compile(rb"[A-Za-z0-9-]+[;:]")
TZID_PARAM = re.compile(r";TZID=(\"[^\"]*\"|[^;:]*)", re.IGNORECASE)


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _as_text(text: str | bytes) -> str:
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AssertionError(f"the iCalendar text is not valid UTF-8: {error}") from None


# ----------------------------------------------------------------------------------- helpers


def unfold(data: str | bytes) -> list[str]:
    """The content lines of `data`, unfolded (CRLF or LF followed by one space or tab is removed)
    and decoded as UTF-8. Lenient about line endings: `assert_wire_format` is the strict check."""
    physical = re.split(rb"\r?\n", _as_bytes(data))
    if physical and physical[-1] == b"":
        physical.pop()
    lines: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return [line.decode("utf-8") for line in lines]


def props(text: str | bytes, name: str) -> list[str]:
    """The unfolded content lines of property `name` (any case), parameters included, anywhere
    in the text: props(ics, "DTSTART") -> ["DTSTART;TZID=Europe/Amsterdam:20270114T193000"]."""
    prefix = name.upper()
    return [
        line
        for line in unfold(text)
        if line.upper().startswith(prefix) and line[len(prefix) : len(prefix) + 1] in (";", ":")
    ]


# ------------------------------------------------------------------------------- wire format


def assert_wire_format(data: bytes) -> None:
    """Assert the bytes follow RFC 5545's wire format (3.1, 3.4, 3.7.3, 3.7.4):

    - every line ends in CRLF (no bare LF or CR anywhere, the text ends with CRLF);
    - no physical line is longer than 75 octets, CRLF excluded;
    - a continuation line starts with one space or tab, every other line starts a content line
      (NAME followed by ";" or ":"); no empty lines;
    - every physical line is valid UTF-8 on its own (a fold never splits a character);
    - unfolded, it begins with BEGIN:VCALENDAR, ends with END:VCALENDAR, BEGIN/END nest, and
      the calendar itself has exactly one VERSION:2.0 and one PRODID.
    """
    assert isinstance(data, bytes), (
        f"assert_wire_format wants the bytes on the wire, not {type(data)}"
    )
    assert data, "empty iCalendar text"
    for pattern, what in ((rb"(?<!\r)\n", "bare LF"), (rb"\r(?!\n)", "bare CR")):
        found = re.search(pattern, data)
        if found:
            number = data.count(b"\n", 0, found.start()) + 1
            line = data[: found.start()].rsplit(b"\n", 1)[-1]
            raise AssertionError(
                f"{what} ending physical line {number} {line[:80]!r}: every line must end in CRLF"
            )
    assert data.endswith(b"\r\n"), f"the text does not end with CRLF: ...{data[-40:]!r}"
    physical = data[:-2].split(b"\r\n")
    for number, line in enumerate(physical, start=1):
        where = f"physical line {number} {line[:80]!r}"
        assert len(line) <= MAX_LINE_OCTETS, (
            f"{where}: {len(line)} octets, longer than {MAX_LINE_OCTETS} (fold it)"
        )
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AssertionError(
                f"{where}: not valid UTF-8 on its own ({error.reason}); a fold must not split a "
                "multi-octet character"
            ) from None
        assert line, f"physical line {number} is empty"
        if line[:1] in (b" ", b"\t"):
            assert number > 1, "the first line is a continuation line"
        else:
            assert CONTENT_LINE_START.match(line), (
                f"{where}: neither a continuation (leading space or tab) nor a content line "
                "(NAME followed by ';' or ':')"
            )

    lines = unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR", f"the text starts with {lines[0]!r}, not BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR", f"the text ends with {lines[-1]!r}, not END:VCALENDAR"
    stack: list[str] = []
    calendar_lines: list[str] = []
    for line in lines:
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            assert stack or line == "BEGIN:VCALENDAR", f"{line!r} after the calendar ended"
            stack.append(upper[6:])
        elif upper.startswith("END:"):
            assert stack and stack[-1] == upper[4:], f"{line!r} does not close BEGIN:{stack[-1:]}"
            stack.pop()
        elif len(stack) == 1:
            calendar_lines.append(line)
        else:
            assert stack, f"{line!r} outside BEGIN:VCALENDAR/END:VCALENDAR"
    assert not stack, f"unclosed components: {stack}"
    versions = [line for line in calendar_lines if re.match(r"VERSION[;:]", line, re.I)]
    assert versions == ["VERSION:2.0"], (
        f"the calendar needs exactly one VERSION:2.0, has {versions}"
    )
    prodids = [line for line in calendar_lines if re.match(r"PRODID[;:]", line, re.I)]
    assert len(prodids) == 1, f"the calendar needs exactly one PRODID, has {prodids}"


# ------------------------------------------------------------------------------------ ical.js


def icaljs(text: str | bytes) -> dict:
    """Parse with Mozilla's ical.js (tests/js/check_ics.mjs) and return what it understood:

    {"method", "prodid", "timezones": [tzid], "events": [{"uid", "summary", "status",
    "sequence", "description", "location", "url", "dtstart_tzid", "start_utc", "end_utc",
    "recurrence_id" (only on an override)}], "problems": []}

    start_utc/end_utc are "YYYY-MM-DDTHH:MM:SSZ", converted by ical.js with the text's own
    VTIMEZONEs (a DATE stays "YYYY-MM-DD"). Asserts that node parsed the text and found no
    problems: every VEVENT has a UID and a DTSTART, no DTSTART/DTEND/RECURRENCE-ID is a floating
    time, and every TZID has a VTIMEZONE in the text."""
    node = shutil.which("node")
    assert node, "node is not installed (the iCalendar checks run ical.js in node)"
    assert NODE_MODULES.is_dir(), (
        "ical.js is not installed: run `make test` or `npm ci --prefix tests/js`"
    )
    result = subprocess.run(
        [node, str(CHECK_ICS)],
        input=_as_bytes(text),
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        raise AssertionError(
            f"ical.js rejected the text (exit {result.returncode}):\n{stderr}{stdout}"
        )
    try:
        parsed = json.loads(stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"check_ics.mjs printed no JSON:\n{stdout}\n{stderr}") from None
    if parsed["problems"]:
        problems = "\n".join(f"- {problem}" for problem in parsed["problems"])
        raise AssertionError(f"ical.js found problems:\n{problems}\nin:\n{_as_text(text)}")
    return parsed


# ------------------------------------------------------------------------------------ vobject

# vobject keeps one process-wide TZID -> tzinfo map. A VTIMEZONE registers its zone only if the
# TZID is not registered yet, and an unknown TZID is looked up in pytz and registered: after any
# earlier text named Europe/Amsterdam, a later text's VTIMEZONE would be ignored silently.
_TZID_MAP: dict = vars(vobject.icalendar)["__tzidMap"]


def _tzids_used(component) -> list[str]:
    """TZID parameters of all lines outside VTIMEZONEs, from an untransformed vobject tree."""
    if component.name.upper() == "VTIMEZONE":
        return []
    used = []
    for child in component.getChildren():
        if isinstance(child, vobject.base.Component):
            used += _tzids_used(child)
        else:
            used += child.params.get("TZID", [])
    return used


def _utc(value, what: str):
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"{what} is a floating time (no TZID and not UTC)"
        return value.astimezone(UTC)
    assert isinstance(value, date), f"{what} is {value!r}, not a date or date-time"
    return value


def vobject_events(text: str | bytes) -> list[dict]:
    """Parse with vobject, assert `validate(raiseException=True)` passes, and return per VEVENT:
    {"uid", "summary", "status", "sequence" (int or None), "description", "location", "url",
    "dtstart_tzid", "start_utc", "end_utc", "recurrence_id" (only on an override)}.

    start_utc/end_utc are aware UTC datetimes (a DATE stays a date) converted by vobject with the
    text's own VTIMEZONE rules, never with pytz's or the system's zone data: the TZID registry is
    emptied for the parse and restored afterwards, every TZID used must have a VTIMEZONE, and each
    zoned DTSTART must carry the tzinfo built from that VTIMEZONE. Floating times fail."""
    text = _as_text(text)
    try:
        raw = vobject.readOne(text, transform=False)
    except vobject.base.VObjectError as error:
        raise AssertionError(f"vobject could not parse the text: {error}") from None
    assert raw.name.upper() == "VCALENDAR", f"top-level component is {raw.name}, not VCALENDAR"
    defined = {vtz.tzid.value for vtz in raw.contents.get("vtimezone", [])}
    missing = sorted(set(_tzids_used(raw)) - defined)
    assert not missing, f"TZID without a matching VTIMEZONE: {missing}"

    saved = dict(_TZID_MAP)
    try:
        _TZID_MAP.clear()
        _TZID_MAP["UTC"] = saved["UTC"]
        calendar = vobject.readOne(text)
        zones = {tzid: _TZID_MAP.get(tzid) for tzid in defined}
    except vobject.base.VObjectError as error:
        raise AssertionError(f"vobject could not parse the text: {error}") from None
    finally:
        _TZID_MAP.clear()
        _TZID_MAP.update(saved)
    try:
        assert calendar.validate(raiseException=True), "vobject: the calendar does not validate"
    except vobject.base.ValidateError as error:
        raise AssertionError(f"vobject: the calendar does not validate: {error}") from None
    for tzid, tzinfo in zones.items():
        assert tzinfo is not None and type(tzinfo).__module__.startswith("dateutil"), (
            f"vobject did not build TZID {tzid} from the VTIMEZONE in the text: {tzinfo!r}"
        )

    events = []
    raw_vevents = raw.contents.get("vevent", [])
    for number, vevent in enumerate(calendar.contents.get("vevent", []), start=1):
        uid = _value(vevent, "uid")
        label = f"VEVENT #{number} (UID {uid})"
        assert "dtstart" in vevent.contents, f"{label} has no DTSTART"
        # vobject moves TZID into X-VOBJ-ORIGINAL-TZID when it converts; read the untouched line.
        tzid = (raw_vevents[number - 1].dtstart.params.get("TZID") or [None])[0]
        start = vevent.dtstart.value
        if tzid is not None:
            assert isinstance(start, datetime) and start.tzinfo is zones[tzid], (
                f"{label}: DTSTART;TZID={tzid} did not use the text's VTIMEZONE: {start!r}"
            )
        if "dtend" in vevent.contents:
            end = vevent.dtend.value
        elif "duration" in vevent.contents:
            end = start + vevent.duration.value
        elif isinstance(start, datetime):
            end = start
        else:
            end = start + timedelta(days=1)
        sequence = _value(vevent, "sequence")
        event = {
            "uid": uid,
            "summary": _value(vevent, "summary"),
            "status": _value(vevent, "status"),
            "sequence": int(sequence) if sequence is not None else None,
            "description": _value(vevent, "description"),
            "location": _value(vevent, "location"),
            "url": _value(vevent, "url"),
            "dtstart_tzid": tzid,
            "start_utc": _utc(start, f"{label} DTSTART"),
            "end_utc": _utc(end, f"{label} DTEND"),
        }
        if "recurrence-id" in vevent.contents:
            recurrence_id = vevent.contents["recurrence-id"][0].value
            event["recurrence_id"] = _utc(recurrence_id, f"{label} RECURRENCE-ID")
        events.append(event)
    return events


def _value(component, name: str):
    lines = component.contents.get(name)
    return lines[0].value if lines else None
