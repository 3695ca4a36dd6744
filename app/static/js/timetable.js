/* Kennisagenda timetable editor, part 5 of 5: what the organiser does. Drag a block to move it
 * in time or to another room, drag its lower strip to change its length, or use the keyboard;
 * click an empty spot (or press Enter on a column's "new session here" slot) to add a session
 * there; undo and redo. Every change goes to the server, which applies the same rules as the
 * forms and answers with the whole agenda and its conflicts; grid and list are redrawn from
 * that answer. No build step, no CDN; parts 1-4 live in js/timetable/ and load first. */
(function () {
  "use strict";

  var T = window.Timetable;
  var root = document.getElementById("timetable");
  if (!root || !T || !T.renderGrid || !T.renderList || !T.History) { return; }
  var text = root.dataset;
  var grid = document.getElementById("timetable-grid");
  var statusLine = document.getElementById("timetable-status");
  var errorLine = document.getElementById("timetable-error");  // visible: a refusal must be seen
  var undoButton = document.getElementById("undo");
  var redoButton = document.getElementById("redo");
  var conflictList = document.getElementById("conflict-list");
  var listParts = { rows: document.getElementById("session-rows"), table: document.getElementById("session-list"),
    empty: document.getElementById("session-list-empty") };
  var csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var LENGTH_KEY = "kennisagenda-timetable-length";

  var state = null;     // the normalised state the server last sent
  var view = null;      // what renderGrid drew: the range and the columns
  var note = null;      // {id, error}: the block whose note stays open until the next action
  var drag = null, suppressClick = false, slotStart = null;
  var length = storedLength();
  var history = new T.History();
  var pending = Promise.resolve();  // one request at a time, each from the state before it

  function storedLength() {
    try {
      var stored = Number(window.sessionStorage.getItem(LENGTH_KEY));
      return stored >= T.STEP && stored <= 8 * 60 ? stored : 60;
    } catch (blocked) { return 60; }
  }
  function rememberLength(mins) {
    length = mins;
    try { window.sessionStorage.setItem(LENGTH_KEY, String(mins)); } catch (blocked) { /* private mode */ }
  }

  function closest(element, selector) {
    while (element && element.nodeType === 1) {
      if (element.matches(selector)) { return element; }
      element = element.parentNode;
    }
    return null;
  }
  function showError(message) { errorLine.textContent = message || ""; errorLine.hidden = !message; }
  function say(message) {
    statusLine.textContent = "";
    window.setTimeout(function () { statusLine.textContent = message; }, 30);
  }
  function updateButtons() {
    undoButton.disabled = !history.canUndo();
    if (redoButton) { redoButton.disabled = !history.canRedo(); }
  }

  // The next action closes the notes and the refusal of the one before.
  function clearNotes() {
    note = null;
    showError("");
    Array.prototype.forEach.call(grid.querySelectorAll(".tt-note.is-open"), function (open) { open.classList.remove("is-open"); });
    Array.prototype.forEach.call(grid.querySelectorAll(".tt-note-refusal"), function (line) { line.remove(); });
  }

  function blockFor(id) {
    var value = window.CSS && CSS.escape ? CSS.escape(id) : id;
    return grid.querySelector('.tt-block[data-id="' + value + '"]');
  }

  function render(focusId) {
    if (drag) { drag.stale = true; return; }  // redrawn when the drag ends
    var range = T.range(state);
    slotStart = T.clamp(slotStart === null ? state.event.start : slotStart, range.start, range.end - T.STEP);
    view = T.renderGrid(grid, state, { text: text, note: note, slotStart: slotStart, length: length });
    T.renderList(listParts, state, text, csrfToken);
    T.renderConflicts(conflictList, state, text);
    // The page's other panels (the working copy's summary) follow the same state.
    document.dispatchEvent(new CustomEvent("timetable:state", { detail: state }));
    showError(note && note.error);
    updateButtons();
    var active = document.activeElement;
    if ((active === undoButton || active === redoButton) && !active.disabled) { return; }
    var focused = focusId && blockFor(focusId);
    if (focused) { focused.focus(); }
  }

  /* POST a move; resolves with the new state, or rejects with {status, message, state}: 409
   * (someone else moved it first) carries their state, to show instead of ours. */
  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && data && data.sessions) { return data; }
        throw { status: response.status, message: (data && data.error) || text.error, state: data && data.state };
      });
    }, function () {
      throw { status: 0, message: text.error };
    });
  }

  /* Move one session to `to` ({start, end, room}) with `version` (default: the state's). `settle`
   * runs before the redraw with "applied", "conflict" (409), "stale" (no connection) or "impossible". */
  function apply(id, to, prefix, settle, version) {
    var session = T.find(state, id);
    if (!session) {
      settle("impossible");
      note = null;
      render();
      showError(text.gone);
      say(text.gone);
      return Promise.resolve("impossible");
    }
    var body = {
      starts_at: T.local(to.start), ends_at: T.local(to.end),
      room_id: T.roomIdOf(state, to.room), version: version === undefined ? session.version : version,
    };
    return send(session.move_url, body).then(function (data) {
      state = T.normalise(data);
      note = { id: id, error: null };
      settle("applied");
      render(id);
      var moved = T.find(state, id);
      var errors = state.conflicts.filter(function (c) { return c.severity === "error"; }).length;
      say((prefix ? prefix + " " : "") + (moved ? T.describe(state, moved, text) + ". " : "") + T.fill(text.conflicts, { n: errors }));
      return "applied";
    }, function (failure) {
      if (failure.state) { state = T.normalise(failure.state); }
      var outcome = failure.status === 0 ? "stale" : failure.status === 409 ? "conflict" : "impossible";
      note = { id: id, error: failure.message };
      settle(outcome);
      render(id);
      say(failure.message);
      return outcome;
    });
  }

  // While a change is on its way, the grid says it is busy (and the dropped block shows it).
  var inFlight = 0;
  function enqueue(task) {
    inFlight += 1;
    grid.setAttribute("aria-busy", "true");
    function done() {
      inFlight -= 1;
      if (!inFlight) { grid.removeAttribute("aria-busy"); }
    }
    pending = pending.then(task).then(done, function (error) {
      done();
      window.setTimeout(function () { throw error; });
    });
    return pending;
  }

  // Undo and redo send the version this page's own last change of the block produced: a block
  // someone else moved since is refused (409), never moved back over their change.
  var ownVersion = {};
  function mine(id) { var session = T.find(state, id); ownVersion[id] = session && session.version; }
  function recorder(id, before, to) {
    return function (outcome) { if (outcome === "applied") { mine(id); history.record(id, before, to); } };
  }

  function change(id, to) {
    enqueue(function () {
      var session = T.find(state, id);
      if (!session || T.samePosition(T.position(session), to)) { return null; }
      var before = T.position(session);
      return apply(id, to, "", recorder(id, before, to));
    });
  }

  function undo() {
    enqueue(function () {
      var entry = history.nextUndo();
      if (!entry) { return null; }
      clearNotes();
      return apply(entry.id, entry.before, text.undone, function (outcome) { if (outcome === "applied") { mine(entry.id); } history.afterUndo(outcome); }, ownVersion[entry.id]);
    });
  }

  function redo() {
    enqueue(function () {
      var entry = history.nextRedo();
      if (!entry) { return null; }
      clearNotes();
      return apply(entry.id, entry.after, text.redone, function (outcome) { if (outcome === "applied") { mine(entry.id); } history.afterRedo(outcome); }, ownVersion[entry.id]);
    });
  }

  // ---- Adding a session: the form, pre-filled with a time, a length and a room.
  function create(start, key) {
    var base = state.event.newUrl || text.newUrl;
    var query = "starts_at=" + encodeURIComponent(T.local(start)) +
      "&ends_at=" + encodeURIComponent(T.local(start + length)) +
      (key === "" ? "" : "&room_id=" + encodeURIComponent(key));
    window.location.href = base + (base.indexOf("?") === -1 ? "?" : "&") + query;
  }

  function moveSlot(column, start, focus) {
    slotStart = T.clamp(start, view.range.start, view.range.end - T.STEP);
    T.placeSlot(view, column.slot, slotStart, length, text);
    if (focus) { column.slot.focus(); }
    say(column.slot.getAttribute("aria-label"));
  }

  function onSlotKey(event, slot) {
    var column = T.columnOf(view, slot.dataset.room);
    var start = Number(slot.dataset.start), index = view.columns.indexOf(column);
    var step = event.shiftKey ? 30 : T.STEP;
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); create(start, column.key); return; }
    if (event.key === "ArrowUp") { moveSlot(column, start - step, false); }
    else if (event.key === "ArrowDown") { moveSlot(column, start + step, false); }
    else if (event.key === "ArrowLeft" && index > 0) { moveSlot(view.columns[index - 1], start, true); }
    else if (event.key === "ArrowRight" && index < view.columns.length - 1) { moveSlot(view.columns[index + 1], start, true); }
    else { return; }
    event.preventDefault();
  }

  // ---- The keyboard on a block: what the mouse does, five minutes or one room at a time.
  function keyStep(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return null; }
    if (event.key === "ArrowUp") { return event.shiftKey ? { length: -T.STEP } : { time: -T.STEP }; }
    if (event.key === "ArrowDown") { return event.shiftKey ? { length: T.STEP } : { time: T.STEP }; }
    if (event.key === "ArrowLeft" && !event.shiftKey) { return { room: -1 }; }
    if (event.key === "ArrowRight" && !event.shiftKey) { return { room: 1 }; }
    return null;
  }

  function stepped(session, step) {
    var to = T.position(session), keys = T.columnKeys(state);
    if (step.time) { to.start += step.time; to.end += step.time; }
    if (step.length) { to.end = Math.max(to.end + step.length, to.start + T.STEP); }
    if (step.room) {
      var index = keys.indexOf(session.room) + step.room;
      if (index < 0 || index >= keys.length) { return null; }
      to.room = keys[index];
    }
    return to;
  }

  function onBlockKey(event, element) {
    var id = element.dataset.id, session = T.find(state, id);
    if (!session) { return; }
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); window.location.href = session.edit_url; return; }
    if (event.key === "Escape") { clearNotes(); return; }
    var step = keyStep(event);
    if (!step || session.cancelled) { return; }
    event.preventDefault();
    clearNotes();
    enqueue(function () {
      var current = T.find(state, id);
      var to = current && !current.cancelled && stepped(current, step);
      if (!to) { return null; }
      if (step.length) { rememberLength(to.end - to.start); }
      var before = T.position(current);
      return apply(id, to, "", recorder(id, before, to));
    });
  }

  // ---- Dragging: the pointer is followed on the document, so the block may change column.
  function startDrag(event, element) {
    var session = T.find(state, element.dataset.id);
    if (event.button !== 0 || !session || session.cancelled) { return; }
    event.preventDefault();
    element.focus({ preventScroll: true });
    drag = {
      id: session.id, element: element, resizing: !!closest(event.target, ".tt-handle"),
      x: event.clientX, y: event.clientY, from: T.position(session), next: T.position(session), moved: false,
    };
    document.addEventListener("pointermove", onDrag);
    document.addEventListener("pointerup", endDrag);
    document.addEventListener("pointercancel", cancelDrag);
  }

  function onDrag(event) {
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved) {
      if (Math.abs(dx) < 4 && Math.abs(dy) < 4) { return; }
      drag.moved = true;
      clearNotes();
      drag.element.classList.add("dragging");
      grid.classList.add("is-dragging");
    }
    var rows = Math.round(dy / T.ROW), from = drag.from, next = drag.next;
    if (drag.resizing) {
      next.end = T.clamp(from.end + rows * T.STEP, from.start + T.STEP, view.range.end);
    } else {
      var span = from.end - from.start;
      next.start = T.clamp(from.start + rows * T.STEP, view.range.start, view.range.end - span);
      next.end = next.start + span;
      var column = T.columnAt(view, event.clientX);
      if (column) { next.room = column.key; }
    }
    T.showDragged(view, drag.element, next);
  }

  function stopDrag() {
    var ended = drag;
    drag = null;
    document.removeEventListener("pointermove", onDrag);
    document.removeEventListener("pointerup", endDrag);
    document.removeEventListener("pointercancel", cancelDrag);
    ended.element.classList.remove("dragging");
    grid.classList.remove("is-dragging");
    return ended;
  }

  function cancelDrag() {
    var ended = stopDrag();
    if (ended.moved || ended.stale) { render(ended.id); }
  }

  function endDrag() {
    var ended = stopDrag();
    if (!ended.moved) {
      if (ended.stale) { render(ended.id); }
      return;
    }
    suppressClick = true;  // the click that follows this pointerup is not "add a session here"
    var to = { start: ended.next.start, end: ended.next.end, room: ended.next.room };
    if (T.samePosition(to, ended.from)) { render(ended.id); return; }
    if (ended.resizing) { rememberLength(to.end - to.start); }
    if (ended.stale) { render(ended.id); } else { ended.element.classList.add("is-saving"); }
    change(ended.id, to);
  }

  // ---- Wiring, once: the grid is redrawn often, its listeners stay on the container.
  grid.addEventListener("pointerdown", function (event) {
    suppressClick = false;
    var element = closest(event.target, ".tt-block");
    if (element) { startDrag(event, element); }
  });
  grid.addEventListener("click", function (event) {
    if (suppressClick || !view || closest(event.target, ".tt-block") || closest(event.target, ".tt-note")) { return; }
    var body = closest(event.target, ".tt-col");
    var column = body && T.columnOf(view, body.dataset.room);
    if (column) { create(T.minuteAt(view, column, event.clientY), column.key); }
  });
  grid.addEventListener("dblclick", function (event) {
    var element = closest(event.target, ".tt-block");
    var session = element && T.find(state, element.dataset.id);
    if (session) { window.location.href = session.edit_url; }
  });
  grid.addEventListener("keydown", function (event) {
    var element = closest(event.target, ".tt-block");
    if (element) { onBlockKey(event, element); return; }
    var slot = closest(event.target, ".tt-slot");
    if (slot) { onSlotKey(event, slot); }
  });
  // The mouse shows where a click would add a session: the column's slot follows it.
  grid.addEventListener("pointermove", function (event) {
    if (drag || !view || event.pointerType === "touch") { return; }
    var body = closest(event.target, ".tt-col");
    var free = body && !closest(event.target, ".tt-block") && !closest(event.target, ".tt-note");
    view.columns.forEach(function (column) {
      var here = free && column.body === body;
      column.body.classList.toggle("is-hovered", here);
      if (here && document.activeElement !== column.slot) {
        T.placeSlot(view, column.slot, T.minuteAt(view, column, event.clientY), length, text);
      }
    });
  });
  grid.addEventListener("pointerleave", function () {
    if (view) { view.columns.forEach(function (column) { column.body.classList.remove("is-hovered"); }); }
  });
  grid.addEventListener("focusin", function (event) {
    var element = closest(event.target, ".tt-block");
    T.highlightConflicts(conflictList, element ? element.dataset.id : null);
    var slot = closest(event.target, ".tt-slot");
    if (slot) { slotStart = Number(slot.dataset.start); }
  });
  grid.addEventListener("focusout", function () { T.highlightConflicts(conflictList, null); });

  undoButton.addEventListener("click", undo);
  if (redoButton) { redoButton.addEventListener("click", redo); }
  document.addEventListener("keydown", function (event) {
    if (drag && event.key === "Escape") { cancelDrag(); return; }
    if (!(event.ctrlKey || event.metaKey) || event.altKey || !state) { return; }
    var active = document.activeElement;
    if (!(root.contains(active) || active === document.body || !active)) { return; }
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
    else if (key === "y" || (key === "z" && event.shiftKey)) { event.preventDefault(); redo(); }
  });

  fetch(text.stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (data) {
      state = T.normalise(data);
      root.hidden = false;
      render();
    });  // without the state, the page stays as the server drew it: the list and the forms
})();
