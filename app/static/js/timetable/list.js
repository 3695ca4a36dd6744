/* Kennisagenda timetable editor, part 3 of 5: the list under the grid ("Alle
 * programmaonderdelen") and the conflict list, drawn from the same state as the grid after
 * every change, so the two never disagree. The server renders the first list for pages
 * without JavaScript; this replaces its rows. */
(function () {
  "use strict";

  var T = window.Timetable;
  var el = function (tag, className, content) { return T.el(tag, className, content); };

  function withHiddenTitle(element, label, title) {
    element.appendChild(document.createTextNode(label));
    element.appendChild(el("span", "visually-hidden", ": " + title));
    return element;
  }

  function actions(session, text, csrfToken) {
    var cell = el("td", "actions");
    var edit = withHiddenTitle(el("a"), text.edit, session.title);
    edit.href = session.edit_url;
    cell.appendChild(edit);
    if (session.attendance_url) {
      var people = withHiddenTitle(el("a"), text.attendance, session.title);
      people.href = session.attendance_url;
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(people);
    }
    if (session.remove_url) {
      var form = el("form");
      form.method = "post";
      form.action = session.remove_url;
      var token = form.appendChild(el("input"));
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = csrfToken;
      var button = form.appendChild(withHiddenTitle(el("button", "link-button"), session.remove_label, session.title));
      button.type = "submit";
      cell.appendChild(form);
    }
    return cell;
  }

  function row(state, session, text, csrfToken) {
    var tr = el("tr", session.cancelled ? "is-cancelled" : null);
    tr.dataset.id = session.id;
    tr.appendChild(el("td", "tt-row-time", T.span(session.start, session.end)));
    var what = tr.appendChild(el("td", "tt-row-title"));
    what.appendChild(document.createTextNode(session.title + " "));
    what.appendChild(el("span", "hint", "(" + (text["kind" + session.kind.charAt(0).toUpperCase() + session.kind.slice(1)] || session.kind) + ")"));
    var badges = [];
    if (session.cancelled) { badges.push(["badge badge-cancelled", text.cancelledBadge]); }
    if (session.isNew) { badges.push(["badge tt-badge-new", text.isNew]); } else if (session.changed) { badges.push(["badge tt-badge-changed", text.changed]); }
    if (session.conflict) { badges.push(["badge tt-badge-conflict", text.conflictBadge]); }
    badges.forEach(function (badge) {
      what.appendChild(document.createTextNode(" "));
      what.appendChild(el("span", badge[0], badge[1]));
    });
    tr.appendChild(el("td", "tt-row-room", session.room === "" ? "—" : T.roomName(state, session.room, text)));
    tr.appendChild(el("td", "tt-row-speakers", session.speakers.length ? session.speakers.join(", ") : "—"));
    tr.appendChild(actions(session, text, csrfToken));
    return tr;
  }

  // In time order, then left to right as in the grid, then by title.
  function ordered(state) {
    var keys = T.columnKeys(state);
    return state.sessions.slice().sort(function (a, b) {
      return a.start - b.start || keys.indexOf(a.room) - keys.indexOf(b.room) ||
        a.end - b.end || a.title.localeCompare(b.title);
    });
  }

  T.renderList = function (parts, state, text, csrfToken) {
    var rows = document.createDocumentFragment();
    ordered(state).forEach(function (session) { rows.appendChild(row(state, session, text, csrfToken)); });
    parts.rows.textContent = "";
    parts.rows.appendChild(rows);
    parts.table.hidden = state.sessions.length === 0;
    parts.empty.hidden = state.sessions.length !== 0;
  };

  T.renderConflicts = function (list, state, text) {
    list.textContent = "";
    if (!state.conflicts.length) {
      list.appendChild(el("li", "conflict-none", text.noConflicts));
      return;
    }
    state.conflicts.forEach(function (conflict) {
      var item = list.appendChild(el("li", "conflict conflict-" + conflict.severity, conflict.message));
      item.dataset.sessions = conflict.sessions.join(" ");
    });
  };

  // Which conflicts in the list concern the block in focus (or under the mouse).
  T.highlightConflicts = function (list, id) {
    Array.prototype.forEach.call(list.querySelectorAll("li[data-sessions]"), function (item) {
      item.classList.toggle("tt-highlight", !!id && item.dataset.sessions.split(" ").indexOf(id) !== -1);
    });
  };
})();
