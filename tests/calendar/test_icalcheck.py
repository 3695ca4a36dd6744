"""Self-tests of tests/icalcheck.py: a correct calendar passes both parsers and the wire-format
check with the right UTC instants, and every kind of defect the harness is meant to catch fails
it, for the reason it names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import vobject

from tests.icalcheck import (
    _TZID_MAP,
    assert_wire_format,
    icaljs,
    props,
    unfold,
    vobject_events,
)


def crlf(*lines: str | bytes) -> bytes:
    """Physical lines, each ended by CRLF."""
    return b"".join((line.encode() if isinstance(line, str) else line) + b"\r\n" for line in lines)


AMSTERDAM = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Amsterdam",
    "BEGIN:STANDARD",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
)

# 74 octets: the next character, "é", is two octets, so a fold after 75 octets would split it.
DESCRIPTION_1 = "DESCRIPTION:Na afloop: koffie\\, thee en een borrel in het nieuwe grand caf"
DESCRIPTION_2 = " é van het Spui."

WINTER_EVENT = (
    "BEGIN:VEVENT",
    "UID:event-1@kennisagenda.test",
    "DTSTAMP:20261201T120000Z",
    "SEQUENCE:0",
    "STATUS:CONFIRMED",
    "SUMMARY:Avondlezing: onderwijs in 2030",
    "DTSTART;TZID=Europe/Amsterdam:20270114T193000",
    "DTEND;TZID=Europe/Amsterdam:20270114T210000",
    "LOCATION:Aula\\, Spui 21\\, Amsterdam",
    DESCRIPTION_1,
    DESCRIPTION_2,
    "URL:https://kennisagenda.test/events/1",
    "END:VEVENT",
)

SUMMER_EVENT = (
    "BEGIN:VEVENT",
    "UID:event-2@kennisagenda.test",
    "DTSTAMP:20261201T120000Z",
    "SEQUENCE:3",
    "STATUS:CANCELLED",
    "SUMMARY:Ochtendworkshop",
    "DTSTART;TZID=Europe/Amsterdam:20270610T093000",
    "DURATION:PT1H30M",
    "END:VEVENT",
)


def calendar(*body: str | bytes) -> bytes:
    return crlf(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kennisagenda//Tests//NL",
        "METHOD:PUBLISH",
        *body,
        "END:VCALENDAR",
    )


GOOD = calendar(*AMSTERDAM, *WINTER_EVENT, *SUMMER_EVENT)


@pytest.fixture
def tzid_registry():
    """vobject's process-wide TZID map as it was before the test, put back afterwards."""
    saved = dict(_TZID_MAP)
    yield _TZID_MAP
    _TZID_MAP.clear()
    _TZID_MAP.update(saved)


# ------------------------------------------------------------------------- the good calendar


def test_good_calendar_has_the_wire_format():
    assert len(DESCRIPTION_1.encode()) == 74  # the sample really folds just before "é"
    assert_wire_format(GOOD)


def test_unfold_and_props_read_content_lines():
    lines = unfold(GOOD)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert (
        "DESCRIPTION:Na afloop: koffie\\, thee en een borrel in het nieuwe grand café van het Spui."
        in lines
    )
    assert props(GOOD, "dtstart") == [
        "DTSTART:19701025T030000",
        "DTSTART:19700329T020000",
        "DTSTART;TZID=Europe/Amsterdam:20270114T193000",
        "DTSTART;TZID=Europe/Amsterdam:20270610T093000",
    ]
    assert props(GOOD.decode(), "UID") == [
        "UID:event-1@kennisagenda.test",
        "UID:event-2@kennisagenda.test",
    ]
    assert props(GOOD, "DTST") == []  # a name, not a prefix


def test_icaljs_reads_the_good_calendar_with_the_right_instants():
    parsed = icaljs(GOOD)
    assert parsed["method"] == "PUBLISH"
    assert parsed["prodid"] == "-//Kennisagenda//Tests//NL"
    assert parsed["timezones"] == ["Europe/Amsterdam"]
    assert parsed["problems"] == []
    winter, summer = parsed["events"]
    assert winter == {
        "uid": "event-1@kennisagenda.test",
        "summary": "Avondlezing: onderwijs in 2030",
        "status": "CONFIRMED",
        "sequence": 0,
        "description": "Na afloop: koffie, thee en een borrel in het nieuwe grand café van het Spui.",
        "location": "Aula, Spui 21, Amsterdam",
        "url": "https://kennisagenda.test/events/1",
        "dtstart_tzid": "Europe/Amsterdam",
        "start_utc": "2027-01-14T18:30:00Z",  # CET, UTC+1
        "end_utc": "2027-01-14T20:00:00Z",
    }
    assert summer["uid"] == "event-2@kennisagenda.test"
    assert (summer["status"], summer["sequence"]) == ("CANCELLED", 3)
    assert summer["start_utc"] == "2027-06-10T07:30:00Z"  # CEST, UTC+2
    assert summer["end_utc"] == "2027-06-10T09:00:00Z"  # DURATION:PT1H30M
    assert "recurrence_id" not in summer


def test_vobject_reads_the_good_calendar_with_the_right_instants():
    winter, summer = vobject_events(GOOD)
    assert winter["uid"] == "event-1@kennisagenda.test"
    assert winter["summary"] == "Avondlezing: onderwijs in 2030"
    assert (winter["status"], winter["sequence"]) == ("CONFIRMED", 0)
    assert winter["location"] == "Aula, Spui 21, Amsterdam"
    assert winter["description"].endswith("grand café van het Spui.")
    assert winter["dtstart_tzid"] == "Europe/Amsterdam"
    assert winter["start_utc"] == datetime(2027, 1, 14, 18, 30, tzinfo=UTC)
    assert winter["end_utc"] == datetime(2027, 1, 14, 20, 0, tzinfo=UTC)
    assert winter["start_utc"].utcoffset().total_seconds() == 0
    assert (summer["status"], summer["sequence"]) == ("CANCELLED", 3)
    assert summer["start_utc"] == datetime(2027, 6, 10, 7, 30, tzinfo=UTC)
    assert summer["end_utc"] == datetime(2027, 6, 10, 9, 0, tzinfo=UTC)


def test_both_parsers_agree_on_the_good_calendar():
    from_js = icaljs(GOOD)["events"]
    from_vobject = vobject_events(GOOD)
    assert len(from_js) == len(from_vobject) == 2
    for js, vo in zip(from_js, from_vobject, strict=True):
        for key in ("uid", "summary", "status", "sequence", "description", "location", "url"):
            assert js[key] == vo[key], key
        for key in ("start_utc", "end_utc"):
            assert js[key] == vo[key].strftime("%Y-%m-%dT%H:%M:%SZ"), key


def test_a_recurrence_override_reports_its_recurrence_id():
    override = calendar(
        *AMSTERDAM,
        "BEGIN:VEVENT",
        "UID:series@kennisagenda.test",
        "DTSTAMP:20261201T120000Z",
        "RECURRENCE-ID;TZID=Europe/Amsterdam:20270114T193000",
        "DTSTART;TZID=Europe/Amsterdam:20270115T193000",
        "DTEND;TZID=Europe/Amsterdam:20270115T210000",
        "END:VEVENT",
    )
    assert icaljs(override)["events"][0]["recurrence_id"] == "2027-01-14T18:30:00Z"
    assert vobject_events(override)[0]["recurrence_id"] == datetime(2027, 1, 14, 18, 30, tzinfo=UTC)


# ------------------------------------------------------ both parsers follow the text's VTIMEZONE

# Same TZID, rules that differ from reality: UTC+5 in winter, UTC+6 from the first Sunday of
# March to the first Sunday of November.
FAKE_AMSTERDAM = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Amsterdam",
    "BEGIN:STANDARD",
    "DTSTART:19701101T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "TZOFFSETFROM:+0600",
    "TZOFFSETTO:+0500",
    "TZNAME:FKT",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700301T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=1SU",
    "TZOFFSETFROM:+0500",
    "TZOFFSETTO:+0600",
    "TZNAME:FKST",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
)
FAKE = calendar(*FAKE_AMSTERDAM, *WINTER_EVENT, *SUMMER_EVENT)
NO_VTIMEZONE = calendar(*WINTER_EVENT)


def test_vobject_alone_would_ignore_the_text_once_the_tzid_is_known(tzid_registry):
    """Why vobject_events empties vobject's TZID registry for the parse: plain vobject registers a
    VTIMEZONE only for a TZID it does not know yet, and looks an unknown TZID up in pytz."""
    vobject.readOne(NO_VTIMEZONE.decode())  # e.g. an earlier test: pytz's zone is registered
    plain = vobject.readOne(FAKE.decode())
    assert plain.vevent.dtstart.value.utcoffset().total_seconds() == 3600  # reality, not the text


def test_vobject_events_follows_the_vtimezone_in_the_text(tzid_registry):
    vobject.readOne(NO_VTIMEZONE.decode())  # poison the registry with pytz's Europe/Amsterdam
    before = dict(tzid_registry)
    winter, summer = vobject_events(FAKE)
    assert winter["start_utc"] == datetime(2027, 1, 14, 14, 30, tzinfo=UTC)  # 19:30 at UTC+5
    assert summer["start_utc"] == datetime(2027, 6, 10, 3, 30, tzinfo=UTC)  # 09:30 at UTC+6
    assert tzid_registry == before  # vobject_events leaves the registry as it found it
    # And the real rules again right after, from the real VTIMEZONE text.
    assert vobject_events(GOOD)[0]["start_utc"] == datetime(2027, 1, 14, 18, 30, tzinfo=UTC)


def test_icaljs_follows_the_vtimezone_in_the_text():
    winter, summer = icaljs(FAKE)["events"]
    assert winter["start_utc"] == "2027-01-14T14:30:00Z"
    assert summer["start_utc"] == "2027-06-10T03:30:00Z"


# ------------------------------------------------------------- wire-format defects must fail

LINE_80 = "DESCRIPTION:" + "x" * 68


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            calendar(*AMSTERDAM, *WINTER_EVENT[:-1], LINE_80, "END:VEVENT"),
            "80 octets, longer than 75",
            id="line-of-80-octets",
        ),
        pytest.param(
            calendar(
                *AMSTERDAM,
                *WINTER_EVENT[:9],
                DESCRIPTION_1.encode() + b"\xc3",
                b" \xa9" + DESCRIPTION_2.encode()[3:],
                *WINTER_EVENT[11:],
            ),
            "not valid UTF-8 on its own",
            id="fold-splits-e-acute",
        ),
        pytest.param(GOOD.replace(b"\r\n", b"\n"), "bare LF", id="bare-lf-everywhere"),
        pytest.param(GOOD.replace(b"SEQUENCE:3\r\n", b"SEQUENCE:3\n"), "bare LF", id="one-bare-lf"),
        pytest.param(GOOD.replace(b"SEQUENCE:3\r\n", b"SEQUENCE:3\r"), "bare CR", id="bare-cr"),
        pytest.param(GOOD[:-2], "does not end with CRLF", id="no-final-crlf"),
        pytest.param(
            GOOD.replace(
                b"\r\n " + DESCRIPTION_2[1:].encode(), b"\r\n" + DESCRIPTION_2[1:].encode()
            ),
            "neither a continuation",
            id="fold-without-leading-space",
        ),
        pytest.param(
            GOOD.replace(b"SEQUENCE:3\r\n", b"SEQUENCE:3\r\n\r\n"), "is empty", id="blank-line"
        ),
        pytest.param(GOOD.replace(b"VERSION:2.0\r\n", b""), "VERSION:2.0", id="no-version"),
        pytest.param(
            GOOD.replace(b"VERSION:2.0\r\n", b"VERSION:1.0\r\n"), "VERSION:2.0", id="version-1"
        ),
        pytest.param(GOOD.replace(b"PRODID:", b"X-PRODID:"), "one PRODID", id="no-prodid"),
        pytest.param(GOOD[len(b"BEGIN:VCALENDAR\r\n") :], "not BEGIN:VCALENDAR", id="no-begin"),
        pytest.param(
            GOOD.replace(b"END:VCALENDAR", b"END:VEVENT"), "not END:VCALENDAR", id="no-end"
        ),
        pytest.param(
            GOOD.replace(b"END:VEVENT\r\nEND:VCALENDAR", b"END:VCALENDAR"),
            "does not close",
            id="unclosed-vevent",
        ),
    ],
)
def test_wire_format_defects_fail(data, reason):
    with pytest.raises(AssertionError, match=reason):
        assert_wire_format(data)


def test_the_split_fold_differs_from_the_good_one_only_in_where_it_folds():
    split = calendar(
        *AMSTERDAM,
        *WINTER_EVENT[:9],
        DESCRIPTION_1.encode() + b"\xc3",
        b" \xa9" + DESCRIPTION_2.encode()[3:],
        *WINTER_EVENT[11:],
        *SUMMER_EVENT,
    )
    assert unfold(split) == unfold(GOOD)  # same content, so only the fold itself is wrong
    with pytest.raises(AssertionError, match="not valid UTF-8"):
        assert_wire_format(split)


# --------------------------------------------------------- content defects fail both parsers

NO_UID = calendar(*AMSTERDAM, *[line for line in WINTER_EVENT if not line.startswith("UID:")])
UNKNOWN_TZID = calendar(*WINTER_EVENT)  # TZID=Europe/Amsterdam, no VTIMEZONE
FLOATING = calendar(
    *AMSTERDAM,
    *[line.replace(";TZID=Europe/Amsterdam", "") for line in WINTER_EVENT],
)
NO_DTSTART = calendar(
    *AMSTERDAM, *[line for line in WINTER_EVENT if not line.startswith(("DTSTART", "DTEND"))]
)


@pytest.mark.parametrize(
    ("data", "icaljs_reason", "vobject_reason"),
    [
        pytest.param(NO_UID, "has no UID", "at least 1 UID", id="vevent-without-uid"),
        pytest.param(
            UNKNOWN_TZID,
            "TZID=Europe/Amsterdam without a matching VTIMEZONE",
            "TZID without a matching VTIMEZONE",
            id="tzid-without-vtimezone",
        ),
        pytest.param(
            FLOATING, "DTSTART is a floating time", "DTSTART is a floating time", id="floating"
        ),
        pytest.param(NO_DTSTART, "has no DTSTART", "has no DTSTART", id="no-dtstart"),
    ],
)
def test_content_defects_fail_both_parsers(data, icaljs_reason, vobject_reason):
    assert_wire_format(data)  # the bytes are fine: the content is what is wrong
    with pytest.raises(AssertionError, match=icaljs_reason):
        icaljs(data)
    with pytest.raises(AssertionError, match=vobject_reason):
        vobject_events(data)


def test_vobject_validation_runs_for_real():
    """vobject's Component.validate() returns False by default instead of raising; the harness
    asks it to raise, so a VEVENT without the required DTSTAMP fails."""
    no_dtstamp = calendar(*AMSTERDAM, *[line for line in WINTER_EVENT if "DTSTAMP" not in line])
    with pytest.raises(AssertionError, match="at least 1 DTSTAMP"):
        vobject_events(no_dtstamp)


def test_icaljs_reports_a_parse_error():
    with pytest.raises(AssertionError, match="ical.js rejected the text"):
        icaljs(b"BEGIN:VCALENDAR\r\nthis is no content line\r\nEND:VCALENDAR\r\n")


def test_invalid_utf8_and_impossible_dates_fail_the_parsers():
    not_utf8 = GOOD.replace(b"Ochtendworkshop", b"Ochtend\xffworkshop")
    with pytest.raises(AssertionError, match="ical.js rejected the text"):
        icaljs(not_utf8)  # node would otherwise decode it to U+FFFD without a word
    with pytest.raises(AssertionError, match="not valid UTF-8"):
        vobject_events(not_utf8)
    with pytest.raises(AssertionError, match="not valid UTF-8"):
        assert_wire_format(not_utf8)
    # ical.js normalises month 13 to January of the next year; vobject refuses it.
    month_13 = GOOD.replace(b"20270610T093000", b"20271310T093000")
    assert icaljs(month_13)["events"][1]["start_utc"] == "2028-01-10T08:30:00Z"
    with pytest.raises(AssertionError, match="vobject could not parse"):
        vobject_events(month_13)
