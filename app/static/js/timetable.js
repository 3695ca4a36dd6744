/* Kennisagenda timetable editor: rooms as columns, time in 5-minute rows, sessions as blocks.
 * Drag a block to move it in time or to another room, drag its lower edge to change its
 * length, or use the keyboard. Every change goes to the server, which applies the same rules
 * as the forms and answers with the whole agenda and its conflicts. No build step, no CDN. */
(function () {
  "use strict";

  var root = document.getElementById("timetable");
  if (!root) { return; }
  var grid = document.getElementById("timetable-grid");
  var statusLine = document.getElementById("timetable-status");
  var errorLine = document.getElementById("timetable-error");  // visible: a refusal must be seen
  var undoButton = document.getElementById("undo");
  var conflictList = document.getElementById("conflict-list");
  var csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  var text = root.dataset;
  var STEP = 5;      // minutes per row
  var ROW = 6;       // pixels per row
  var state = null;
  var lastChange = null;
  var drag = null;
  var columns = [];  // {roomId, element}

  // Local wall-clock times as minutes, computed in UTC so the browser's zone never interferes.
  function minutes(local) {
    var parts = local.split("T"), d = parts[0].split("-"), t = parts[1].split(":");
    return Date.UTC(+d[0], +d[1] - 1, +d[2], +t[0], +t[1]) / 60000;
  }
  function local(mins) { return new Date(mins * 60000).toISOString().slice(0, 16); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(mins) { var d = new Date(mins * 60000); return pad(d.getUTCHours()) + "." + pad(d.getUTCMinutes()); }
  function showError(message) { errorLine.textContent = message || ""; errorLine.hidden = !message; }
  function say(message) { statusLine.textContent = ""; window.setTimeout(function () { statusLine.textContent = message; }, 30); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function roomName(roomId) {
    for (var i = 0; i < state.rooms.length; i++) { if (state.rooms[i].id === roomId) { return state.rooms[i].name; } }
    return text.noRoom;
  }

  function render(focusId) {
    var start = minutes(state.event.starts_at), end = minutes(state.event.ends_at);
    var rows = Math.max(Math.ceil((end - start) / STEP), 1);
    var roomIds = state.rooms.map(function (r) { return r.id; }).concat([null]);
    grid.textContent = "";
    grid.style.gridTemplateColumns = "4.5rem repeat(" + roomIds.length + ", minmax(9rem, 1fr))";
    grid.style.gridTemplateRows = "auto repeat(" + rows + ", " + ROW + "px)";
    columns = [];
    roomIds.forEach(function (roomId, i) {
      var head = document.createElement("div");
      head.className = "tt-head";
      head.textContent = roomId === null ? text.noRoom : roomName(roomId);
      head.style.gridColumn = String(i + 2);
      head.style.gridRow = "1";
      grid.appendChild(head);
      columns.push({ roomId: roomId, element: head });
    });
    for (var m = start; m < end; m += 30) {
      var row = Math.floor((m - start) / STEP) + 2;
      var label = document.createElement("div");
      label.className = "tt-time";
      label.textContent = clock(m);
      label.style.gridColumn = "1";
      label.style.gridRow = row + " / span " + Math.min(6, rows - row + 2);
      grid.appendChild(label);
      var line = document.createElement("div");
      line.className = "tt-line";
      line.style.gridColumn = "2 / -1";
      line.style.gridRow = String(row);
      grid.appendChild(line);
    }
    state.sessions.forEach(function (session) { grid.appendChild(block(session, start, end, roomIds)); });
    renderConflicts();
    if (focusId) {
      var focused = grid.querySelector('[data-id="' + focusId + '"]');
      if (focused) { focused.focus(); }
    }
  }

  function place(element, s, e, roomId, start, end, roomIds) {
    var from = Math.max(Math.round((s - start) / STEP), 0) + 2;
    var to = Math.min(Math.round((e - start) / STEP), Math.ceil((end - start) / STEP)) + 2;
    element.style.gridRow = from + " / " + Math.max(to, from + 1);
    element.style.gridColumn = String(roomIds.indexOf(roomId) + 2);
  }

  function describe(session) {
    var s = minutes(session.starts_at), e = minutes(session.ends_at);
    return session.title + ", " + clock(s) + "–" + clock(e) + ", " + roomName(session.room_id) +
      (session.conflict ? ", " + text.conflict : "") + (session.cancelled ? ", " + text.cancelled : "");
  }

  function block(session, start, end, roomIds) {
    var element = document.createElement("div");
    element.className = "tt-block kind-" + session.kind + (session.conflict ? " has-conflict" : "") +
      (session.cancelled ? " is-cancelled" : "");
    element.tabIndex = 0;
    element.dataset.id = String(session.id);
    element.setAttribute("role", "button");
    element.setAttribute("aria-label", describe(session));
    element.textContent = clock(minutes(session.starts_at)) + " " + session.title;
    var handle = document.createElement("div");
    handle.className = "tt-handle";
    handle.setAttribute("aria-hidden", "true");
    element.appendChild(handle);
    place(element, minutes(session.starts_at), minutes(session.ends_at), session.room_id, start, end, roomIds);
    element.addEventListener("pointerdown", function (event) { startDrag(event, session, element, event.target === handle); });
    element.addEventListener("keydown", function (event) { onKey(event, session); });
    element.addEventListener("dblclick", function () { window.location.href = session.edit_url; });
    return element;
  }

  function renderConflicts() {
    conflictList.textContent = "";
    if (!state.conflicts.length) {
      var none = document.createElement("li");
      none.className = "conflict-none";
      none.textContent = text.noConflicts;
      conflictList.appendChild(none);
      return;
    }
    state.conflicts.forEach(function (conflict) {
      var item = document.createElement("li");
      item.className = "conflict conflict-" + conflict.severity;
      item.textContent = conflict.message;
      conflictList.appendChild(item);
    });
  }

  function columnAt(x) {
    for (var i = 0; i < columns.length; i++) {
      var box = columns[i].element.getBoundingClientRect();
      if (x >= box.left && x < box.right) { return columns[i].roomId; }
    }
    return undefined;
  }

  function startDrag(event, session, element, resizing) {
    if (event.button !== 0 || session.cancelled) { return; }
    event.preventDefault();
    element.setPointerCapture(event.pointerId);
    element.classList.add("dragging");
    drag = {
      session: session, element: element, resizing: resizing, y: event.clientY,
      start: minutes(session.starts_at), end: minutes(session.ends_at), room: session.room_id,
    };
    drag.next = { start: drag.start, end: drag.end, room: drag.room };
    element.addEventListener("pointermove", onDrag);
    element.addEventListener("pointerup", endDrag, { once: true });
  }

  function onDrag(event) {
    var rowsMoved = Math.round((event.clientY - drag.y) / ROW);
    var roomIds = columns.map(function (c) { return c.roomId; });
    if (drag.resizing) {
      drag.next.end = Math.max(drag.end + rowsMoved * STEP, drag.start + STEP);
    } else {
      drag.next.start = drag.start + rowsMoved * STEP;
      drag.next.end = drag.end + rowsMoved * STEP;
      var room = columnAt(event.clientX);
      if (room !== undefined) { drag.next.room = room; }
    }
    place(drag.element, drag.next.start, drag.next.end, drag.next.room,
      minutes(state.event.starts_at), minutes(state.event.ends_at), roomIds);
  }

  function endDrag() {
    var d = drag;
    drag = null;
    d.element.removeEventListener("pointermove", onDrag);
    d.element.classList.remove("dragging");
    if (d.next.start !== d.start || d.next.end !== d.end || d.next.room !== d.room) {
      move(d.session, d.next.start, d.next.end, d.next.room);
    }
  }

  function onKey(event, session) {
    if (session.cancelled) { return; }
    var s = minutes(session.starts_at), e = minutes(session.ends_at), room = session.room_id;
    var roomIds = columns.map(function (c) { return c.roomId; });
    var index = roomIds.indexOf(room);
    if (event.key === "Enter") { window.location.href = session.edit_url; return; }
    if (event.key === "ArrowUp" && event.shiftKey) { e = Math.max(e - STEP, s + STEP); }
    else if (event.key === "ArrowDown" && event.shiftKey) { e += STEP; }
    else if (event.key === "ArrowUp") { s -= STEP; e -= STEP; }
    else if (event.key === "ArrowDown") { s += STEP; e += STEP; }
    else if (event.key === "ArrowLeft" && index > 0) { room = roomIds[index - 1]; }
    else if (event.key === "ArrowRight" && index < roomIds.length - 1) { room = roomIds[index + 1]; }
    else { return; }
    event.preventDefault();
    move(session, s, e, room);
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        // 409: someone else moved it first; show their version, not ours.
        if (response.status === 409 && data.state) { state = data.state; }
        if (!response.ok) { throw new Error(data.error || text.error); }
        return data;
      });
    });
  }

  function move(session, s, e, room, undoing) {
    var before = { url: session.move_url, id: session.id, starts_at: session.starts_at, ends_at: session.ends_at, room_id: session.room_id };
    return send(session.move_url, { starts_at: local(s), ends_at: local(e), room_id: room, version: session.version })
      .then(function (data) {
        state = data;
        showError("");
        lastChange = undoing ? null : before;
        undoButton.disabled = !lastChange;
        render(session.id);
        var moved = state.sessions.filter(function (x) { return x.id === session.id; })[0];
        var errors = state.conflicts.filter(function (c) { return c.severity === "error"; }).length;
        say((undoing ? text.undone + " " : "") + describe(moved) + ". " + fill(text.conflicts, { n: errors }));
      })
      .catch(function (error) { render(session.id); showError(error.message); say(error.message); });
  }

  function undo() {
    if (!lastChange) { return; }
    var change = lastChange;
    var session = state.sessions.filter(function (x) { return x.id === change.id; })[0];
    move(session, minutes(change.starts_at), minutes(change.ends_at), change.room_id, true);
  }

  undoButton.addEventListener("click", undo);
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "z" && root.contains(document.activeElement)) {
      event.preventDefault();
      undo();
    }
  });

  fetch(root.dataset.stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) { state = data; root.hidden = false; render(); });
})();
