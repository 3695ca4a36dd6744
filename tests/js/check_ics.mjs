// Parses one iCalendar text from stdin with Mozilla's ical.js (the parser behind Thunderbird)
// and prints what it understood as JSON, for tests/icalcheck.py.
//
//   node tests/js/check_ics.mjs < calendar.ics
//
// Output: {"method", "prodid", "timezones": [tzid…], "events": [{uid, summary, status, sequence,
// description, location, url, dtstart_tzid, start_utc, end_utc, recurrence_id?}], "problems": […]}
// start_utc/end_utc/recurrence_id are computed by ical.js from the calendar's own VTIMEZONEs
// ("YYYY-MM-DDTHH:MM:SSZ"; a DATE value stays "YYYY-MM-DD").
// A parse error prints a message on stderr and exits 2.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const DATE_TIME_PROPS = ["dtstart", "dtend", "recurrence-id"];

function fail(message) {
  process.stderr.write(`check_ics: ${message}\n`);
  process.exit(2);
}

function utcString(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();
}

function isFloating(prop) {
  if (prop.getParameter("tzid")) return false;
  const value = prop.getFirstValue();
  if (!value || value.isDate) return false; // an all-day DATE is not a floating time
  return value.zone !== ICAL.Timezone.utcTimezone;
}

let root;
try {
  // Strict: invalid UTF-8 is an error here, not silently U+FFFD.
  const text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(0));
  const jcal = ICAL.parse(text);
  if (!Array.isArray(jcal) || typeof jcal[0] !== "string") {
    fail(`expected exactly one top-level component, got ${Array.isArray(jcal) ? jcal.length : typeof jcal}`);
  }
  root = new ICAL.Component(jcal);
} catch (error) {
  fail(`parse error: ${error && error.message ? error.message : error}`);
}
if (root.name !== "vcalendar") fail(`top-level component is ${root.name.toUpperCase()}, not VCALENDAR`);

const problems = [];
const timezones = [];
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  const tzid = vtimezone.getFirstPropertyValue("tzid");
  if (!tzid) {
    problems.push("VTIMEZONE without TZID");
    continue;
  }
  timezones.push(tzid);
  // Zoned times in this tree resolve through root.getTimeZoneByID(); registering the zone as
  // well makes every lookup path (e.g. Time({timezone: …})) agree on the text's own rules.
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}

// Every TZID parameter outside a VTIMEZONE must name a VTIMEZONE of this text (RFC 5545 3.2.19).
function checkTzids(component, where) {
  if (component.name === "vtimezone") return;
  for (const prop of component.getAllProperties()) {
    const tzid = prop.getParameter("tzid");
    if (tzid && !timezones.includes(tzid)) {
      problems.push(`${where}: ${prop.name.toUpperCase()} uses TZID=${tzid} without a matching VTIMEZONE`);
    }
  }
  for (const sub of component.getAllSubcomponents()) checkTzids(sub, `${where} > ${sub.name.toUpperCase()}`);
}
checkTzids(root, "VCALENDAR");

const events = [];
root.getAllSubcomponents("vevent").forEach((vevent, index) => {
  const uid = vevent.getFirstPropertyValue("uid");
  const label = `VEVENT #${index + 1}${uid ? ` (UID ${uid})` : ""}`;
  if (!uid) problems.push(`VEVENT #${index + 1} has no UID`);
  const dtstart = vevent.getFirstProperty("dtstart");
  if (!dtstart) problems.push(`${label} has no DTSTART`);
  for (const name of DATE_TIME_PROPS) {
    const prop = vevent.getFirstProperty(name);
    if (prop && isFloating(prop)) {
      problems.push(`${label}: ${name.toUpperCase()} is a floating time (no TZID and not UTC)`);
    }
  }
  const event = new ICAL.Event(vevent);
  const sequence = vevent.getFirstPropertyValue("sequence");
  const record = {
    uid: uid ?? null,
    summary: vevent.getFirstPropertyValue("summary") ?? null,
    status: vevent.getFirstPropertyValue("status") ?? null,
    sequence: sequence ?? null,
    description: vevent.getFirstPropertyValue("description") ?? null,
    location: vevent.getFirstPropertyValue("location") ?? null,
    url: vevent.getFirstPropertyValue("url") ?? null,
    dtstart_tzid: dtstart ? dtstart.getParameter("tzid") ?? null : null,
    start_utc: dtstart ? utcString(event.startDate) : null,
    end_utc: dtstart ? utcString(event.endDate) : null,
  };
  if (vevent.hasProperty("recurrence-id")) record.recurrence_id = utcString(event.recurrenceId);
  events.push(record);
});

process.stdout.write(
  JSON.stringify({
    method: root.getFirstPropertyValue("method") ?? null,
    prodid: root.getFirstPropertyValue("prodid") ?? null,
    timezones,
    events,
    problems,
  }) + "\n",
);
