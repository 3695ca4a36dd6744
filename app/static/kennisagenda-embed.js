/*
 * Kennisagenda embed: the upcoming events of the Kennisagenda on any website.
 *
 *   <div data-kennisagenda data-theme="jeugd-en-gezin" data-limit="5" data-lang="nl"></div>
 *   <script src="https://<host>/static/kennisagenda-embed.js" async></script>
 *
 * Attributes (all optional): data-theme (a theme slug), data-kind (kenniscafe | themadag),
 * data-limit (1–100, default 5), data-lang (nl | en, default nl).
 *
 * It renders, with classes only (no inline styles, so a strict Content-Security-Policy on the
 * host site holds; /static/kennisagenda-embed.css is an optional starting point):
 *   ul.kennisagenda-list
 *     li.kennisagenda-item (+ .kennisagenda-item--cancelled / .kennisagenda-item--full)
 *       a.kennisagenda-title        the title, linking to the event page
 *       span.kennisagenda-badge     "Vol" / "Geannuleerd" when so
 *       p.kennisagenda-when         date and time, in Dutch or English (Amsterdam time)
 *       p.kennisagenda-where        venue and city, or online
 *   p.kennisagenda-message          nothing planned, or loading failed
 *
 * Data from the API is only ever set as textContent or a checked href: never as HTML.
 * Plain ES2018, no dependencies, no build step.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) {
    return; // loaded as a module or injected without src: no way to find our API
  }
  // Relative to this file, so a site behind a path prefix works as well as one at the root.
  var API = new URL("../api/v1/", script.src);
  var SITE = new URL("../", script.src);
  var ZONE = "Europe/Amsterdam";

  var TEXT = {
    nl: {
      list: "Activiteiten",
      loading: "Activiteiten laden…",
      empty: "Er staan nu geen activiteiten gepland.",
      failed: "De activiteiten konden niet worden geladen.",
      programme: "Bekijk het programma",
      full: "Vol",
      cancelled: "Geannuleerd",
      online: "Online",
      alsoOnline: "(ook online)",
      hours: " uur",
    },
    en: {
      list: "Events",
      loading: "Loading events…",
      empty: "No events are planned at the moment.",
      failed: "The events could not be loaded.",
      programme: "See the programme",
      full: "Full",
      cancelled: "Cancelled",
      online: "Online",
      alsoOnline: "(also online)",
      hours: "",
    },
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clock(moment, lang) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: ZONE })
      .formatToParts(moment)
      .forEach(function (part) { parts[part.type] = part.value; });
    // Dutch prose writes 19.30 uur, English 19:30: as the site itself does.
    return parts.hour + (lang === "nl" ? "." : ":") + parts.minute;
  }

  function day(moment, lang) {
    var parts = {};
    new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "nl-NL", {
      weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: ZONE,
    }).formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    // "dinsdag 12 maart 2026" / "Tuesday 12 March 2026", whatever punctuation ICU prefers.
    return [parts.weekday, parts.day, parts.month, parts.year].join(" ");
  }

  function period(startText, endText, lang) {
    var start = new Date(startText);
    var end = new Date(endText);
    var t = TEXT[lang];
    if (day(start, lang) === day(end, lang)) {
      return day(start, lang) + ", " + clock(start, lang) + "–" + clock(end, lang) + t.hours;
    }
    return day(start, lang) + " " + clock(start, lang) + t.hours + " – " +
      day(end, lang) + " " + clock(end, lang) + t.hours;
  }

  function place(event, t) {
    var where = [event.venue, event.city].filter(Boolean).join(", ");
    if (!event.online) return where;
    return where ? where + " " + t.alsoOnline : t.online;
  }

  function safeHref(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function item(event, lang) {
    var t = TEXT[lang];
    var cancelled = event.status === "cancelled";
    var full = !cancelled && event.places_left === 0;
    var li = element("li", "kennisagenda-item");
    if (cancelled) li.classList.add("kennisagenda-item--cancelled");
    if (full) li.classList.add("kennisagenda-item--full");

    var href = safeHref(event.url);
    var title = element(href ? "a" : "span", "kennisagenda-title", event.title);
    if (href) title.href = href;
    li.appendChild(title);
    if (cancelled || full) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(element("span", "kennisagenda-badge", cancelled ? t.cancelled : t.full));
    }
    var when = element("p", "kennisagenda-when");
    var time = element("time", "", period(event.starts_at, event.ends_at, lang));
    time.dateTime = event.starts_at;
    when.appendChild(time);
    li.appendChild(when);
    var where = place(event, t);
    if (where) li.appendChild(element("p", "kennisagenda-where", where));
    return li;
  }

  function message(container, text, withLink, lang) {
    var p = element("p", "kennisagenda-message", text);
    if (withLink) {
      p.appendChild(document.createTextNode(" "));
      var link = element("a", "", TEXT[lang].programme);
      link.href = SITE.href;
      p.appendChild(link);
    }
    container.replaceChildren(p);
  }

  function requestUrl(container, lang) {
    var url = new URL("events", API);
    var limit = parseInt(container.dataset.limit || "5", 10);
    url.searchParams.set("per_page", String(Math.min(Math.max(limit || 5, 1), 100)));
    url.searchParams.set("lang", lang);
    if (container.dataset.theme) url.searchParams.set("theme", container.dataset.theme);
    if (container.dataset.kind) url.searchParams.set("kind", container.dataset.kind);
    return url;
  }

  async function render(container) {
    var lang = container.dataset.lang === "en" ? "en" : "nl";
    var t = TEXT[lang];
    container.setAttribute("aria-busy", "true");
    message(container, t.loading, false, lang);
    try {
      // No cookies: the API is public, and a simple GET needs no CORS preflight.
      var response = await fetch(requestUrl(container, lang), { credentials: "omit" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      var events = await response.json();
      if (!events.length) {
        message(container, t.empty, true, lang);
      } else {
        var list = element("ul", "kennisagenda-list");
        list.setAttribute("aria-label", t.list);
        events.forEach(function (event) { list.appendChild(item(event, lang)); });
        container.replaceChildren(list);
      }
    } catch (error) {
      message(container, t.failed, true, lang);
    }
    container.removeAttribute("aria-busy");
  }

  function start() {
    document.querySelectorAll("[data-kennisagenda]").forEach(function (container) {
      // The script may be included twice; each list is filled once.
      if (container.dataset.kennisagendaReady) return;
      container.dataset.kennisagendaReady = "true";
      render(container);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
