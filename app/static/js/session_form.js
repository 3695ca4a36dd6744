/* Kennisagenda session form ("programmaonderdeel"): the end moves along when the start changes,
 * keeping the length; the speaker list can be searched; a new speaker is added in a dialog
 * without leaving the form, so nothing typed in it is lost. Without JavaScript the form works as
 * the server drew it, with a link to the speakers page. No build step, no CDN. */
(function () {
  "use strict";

  var form = document.getElementById("session-form");
  var picker = document.getElementById("speaker-picker");
  if (!form || !picker) { return; }
  var text = picker.dataset;

  /* ---- The end follows the start ------------------------------------------------------- */

  // Wall-clock times as plain numbers (minutes since 1970 in UTC): the form's times are
  // Amsterdam times, whatever the browser's own time zone is.
  function parseLocal(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!parts || Number(parts[1]) < 1900) { return null; }  // a year still being typed
    var when = new Date(0);
    when.setUTCFullYear(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    when.setUTCHours(Number(parts[4]), Number(parts[5]), 0, 0);
    return when.getTime() / 60000;
  }
  function pad(number, width) { return String(number).padStart(width || 2, "0"); }
  function formatLocal(minutes) {
    var when = new Date(minutes * 60000);
    return pad(when.getUTCFullYear(), 4) + "-" + pad(when.getUTCMonth() + 1) + "-" +
      pad(when.getUTCDate()) + "T" + pad(when.getUTCHours()) + ":" + pad(when.getUTCMinutes());
  }
  function describeBy(element, id) {
    var ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) === -1) { ids.push(id); }
    element.setAttribute("aria-describedby", ids.join(" "));
  }

  function followStart(start, end) {
    var length = null;  // minutes, as the organiser last set it (or the server filled it in)
    function rememberLength() {
      var from = parseLocal(start.value), to = parseLocal(end.value);
      if (from !== null && to !== null && to > from) { length = to - from; }
    }
    function moveEnd() {
      var from = parseLocal(start.value);
      if (from !== null && length !== null) { end.value = formatLocal(from + length); }
    }
    rememberLength();
    end.addEventListener("input", rememberLength);
    end.addEventListener("change", rememberLength);
    start.addEventListener("input", moveEnd);
    start.addEventListener("change", moveEnd);
    var hint = document.getElementById("ends-follow-hint");
    if (hint) {
      hint.hidden = false;
      describeBy(start, hint.id);
      describeBy(end, hint.id);
    }
  }

  var start = document.getElementById("starts_at");
  var end = document.getElementById("ends_at");
  if (start && end) { followStart(start, end); }

  /* ---- Searching the speakers ---------------------------------------------------------- */

  var list = document.getElementById("speaker-list");
  var search = document.getElementById("speaker-search");
  var count = document.getElementById("speaker-count");
  var emptyNote = document.getElementById("speaker-list-empty");

  // Case and accents do not matter: "celik" finds "Çelik", "jose" finds "José".
  function fold(value) {
    return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function items() { return Array.prototype.slice.call(list.querySelectorAll(".check")); }

  function showCount(matches) {
    if (!items().length) { count.textContent = ""; return; }
    count.textContent = matches === 0 ? text.countNone
      : matches === 1 ? text.countOne : text.countMany.replace("{n}", String(matches));
  }

  /* Every word typed must occur in the label; a checked speaker always stays in view. Only
   * typing filters: unchecking a speaker that does not match leaves it where it is. */
  function filter() {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    var matches = 0;
    items().forEach(function (item) {
      var label = fold(item.querySelector("label").textContent);
      var hit = words.every(function (word) { return label.indexOf(word) !== -1; });
      if (hit) { matches += 1; }
      item.hidden = !hit && !item.querySelector("input").checked;
    });
    showCount(matches);
  }

  search.addEventListener("input", filter);
  search.addEventListener("search", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }  // Enter filters; it does not save
  });
  picker.querySelector(".speaker-tools").hidden = false;
  filter();

  /* ---- A new speaker, in a dialog ------------------------------------------------------ */

  var dialog = document.getElementById("new-speaker");
  var opener = document.getElementById("new-speaker-open");
  if (!dialog || typeof dialog.showModal !== "function") {
    opener.hidden = true;  // the link to the speakers page stays
    return;
  }
  var speakerForm = document.getElementById("new-speaker-form");
  var nameField = document.getElementById("new-speaker-name");
  var errorLine = document.getElementById("new-speaker-error");
  var added = document.getElementById("speaker-added");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.content : "";
  var busy = false;

  document.getElementById("speakers-page-link").hidden = true;

  // A live region says a message again only when its text changes: empty it first.
  function say(region, message) {
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  opener.addEventListener("click", function () {
    errorLine.textContent = "";
    dialog.showModal();
    nameField.focus();
  });
  document.getElementById("new-speaker-cancel").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () { opener.focus(); });  // Escape closes it too

  function uniqueId(base) {
    var id = base, n = 1;
    while (document.getElementById(id)) { n += 1; id = base + "-" + n; }
    return id;
  }

  /* A checked checkbox like the server draws them, in the same (alphabetical) place. */
  function addToList(speaker) {
    var value = String(speaker.id);
    var box = list.querySelector('input[name="speakers"][value="' + value.replace(/\D/g, "") + '"]');
    if (!box) {
      var item = document.createElement("div");
      item.className = "check";
      box = document.createElement("input");
      box.type = "checkbox";
      box.name = "speakers";
      box.value = value;
      box.id = uniqueId("speakers-new-" + value);
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = speaker.label;
      item.appendChild(box);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(label);
      var next = items().filter(function (other) {
        return other.querySelector("label").textContent.localeCompare(speaker.label, "nl") > 0;
      })[0];
      list.insertBefore(item, next || emptyNote);
    }
    box.checked = true;
    emptyNote.hidden = true;
    filter();
    box.parentNode.scrollIntoView({ block: "nearest" });
  }

  function showError(message) {
    say(errorLine, message || text.failed);
    if (!nameField.value.trim()) { nameField.focus(); }
  }

  speakerForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    speakerForm.setAttribute("aria-busy", "true");
    var body = new URLSearchParams(new FormData(speakerForm));
    body.append("csrf_token", csrfToken);
    fetch(speakerForm.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: body,
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.status === 201 && data && data.id) { return data; }
        throw new Error((data && data.error) || text.failed);
      });
    }, function () {
      throw new Error(text.failed);
    }).then(function (speaker) {
      addToList(speaker);
      speakerForm.reset();
      errorLine.textContent = "";
      dialog.close();
      say(added, text.added.replace("{name}", speaker.name));
    }).catch(function (error) {
      showError(error.message);
    }).then(function () {
      busy = false;
      speakerForm.removeAttribute("aria-busy");
    });
  });
})();
