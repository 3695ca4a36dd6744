/* Kennisagenda timetable editor, part 2 of 5: drawing the grid from the state. A column per
 * room (and "Geen zaal"), the event's hours bounded and the time outside them shaded, blocks
 * placed absolutely at their real minutes, clashing blocks side by side in lanes, a note
 * beside a block for its conflicts or a refusal, and per column a "new session here" slot. */
(function () {
  "use strict";

  var T = window.Timetable;

  function el(tag, className, content) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (content !== undefined && content !== null) { element.textContent = content; }
    return element;
  }
  T.el = el;

  function px(mins) { return mins / T.STEP * T.ROW; }
  T.offset = function (range, mins) { return px(mins - range.start); };

  T.roomName = function (state, key, text) {
    var room = T.roomOf(state, key);
    return room ? room.name : text.noRoom;
  };

  // What a screen reader hears on a block: the whole title and every mark the eye sees.
  T.describe = function (state, session, text) {
    var parts = [session.title, T.span(session.start, session.end), T.roomName(state, session.room, text)];
    if (session.speakers.length) { parts.push(session.speakers.join(", ")); }
    if (session.cancelled) { parts.push(text.cancelled); }
    if (session.conflict) { parts.push(text.conflict); }
    if (session.outside) { parts.push(text.outside); }
    if (session.isNew) { parts.push(text.isNew.toLowerCase()); } else if (session.changed) { parts.push(text.changed.toLowerCase()); }
    return parts.join(", ");
  };

  function place(element, range, start, end, lane, lanes) {
    element.style.top = (px(start - range.start) + 1) + "px";
    element.style.height = Math.max(px(end - start) - 1, 4) + "px";
    element.style.left = "calc(" + (lane * 100 / lanes) + "% + 2px)";
    element.style.width = "calc(" + (100 / lanes) + "% - 4px)";
  }

  function sizeClasses(element, start, end) {
    element.classList.toggle("is-short", end - start < 30);
    element.classList.toggle("is-tall", end - start >= 45);
  }

  function block(state, session, text, range, lane) {
    var warnings = T.conflictsOf(state, session.id).length > 0;
    var element = el("div", "tt-block kind-" + session.kind);
    element.classList.toggle("has-conflict", session.conflict);
    element.classList.toggle("has-warning", !session.conflict && warnings);
    element.classList.toggle("is-cancelled", session.cancelled);
    element.classList.toggle("is-outside", session.outside);
    element.classList.toggle("is-new", session.isNew);
    element.classList.toggle("is-changed", session.changed && !session.isNew);
    sizeClasses(element, session.start, session.end);
    element.tabIndex = 0;
    element.dataset.id = session.id;
    element.setAttribute("role", "button");
    element.setAttribute("aria-label", T.describe(state, session, text));
    // The whole title, and the speakers a block shorter than 45 minutes has no room for.
    element.title = session.title + " (" + T.span(session.start, session.end) + ")" +
      (session.speakers.length ? " – " + session.speakers.join(", ") : "");
    var body = el("div", "tt-text");
    if (session.conflict || warnings) { body.appendChild(el("span", "tt-flag", "!")).setAttribute("aria-hidden", "true"); }
    body.appendChild(el("span", "tt-when", T.span(session.start, session.end)));
    body.appendChild(document.createTextNode(" "));
    body.appendChild(el("span", "tt-title", session.title));
    if (session.speakers.length) { body.appendChild(el("span", "tt-speakers", session.speakers.join(", "))); }
    if (session.isNew || session.changed) { body.appendChild(el("span", "tt-tag", session.isNew ? text.isNew : text.changed)); }
    if (session.outside) { body.appendChild(el("span", "tt-outside-text", text.outside)); }
    element.appendChild(body);
    if (!session.cancelled) { element.appendChild(el("div", "tt-handle")).setAttribute("aria-hidden", "true"); }
    place(element, range, session.start, session.end, lane.lane, lane.lanes);
    return element;
  }

  /* The note beside a block: a refusal of its last move, its conflicts, or that it lies
   * outside the event's hours. Open after the action that caused it (until the next one);
   * otherwise shown while the block is hovered or focused (CSS: block + note). */
  function note(state, session, text, range, lane, options) {
    var lines = [];
    var refused = options.note && options.note.id === session.id && options.note.error;
    if (refused) { lines.push({ text: options.note.error, className: "tt-note-refusal" }); }
    T.conflictsOf(state, session.id).forEach(function (conflict) {
      lines.push({ text: conflict.message, className: "tt-note-" + conflict.severity });
    });
    var said = T.conflictsOf(state, session.id).some(function (c) { return c.rule === "outside_event"; });
    if (session.outside && !said) { lines.push({ text: text.outside, className: "tt-note-warning" }); }
    if (!lines.length) { return null; }
    var element = el("div", "tt-note");
    element.id = "tt-note-" + session.id;
    lines.forEach(function (line) { element.appendChild(el("p", line.className, line.text)); });
    element.classList.toggle("is-open", !!(options.note && options.note.id === session.id));
    element.style.top = (px(session.end - range.start) + 3) + "px";
    // Anchored on the side facing the middle of the grid, so it does not widen the scroll area.
    var anchorRight = options.lastColumn || (lane.lanes > 1 && lane.lane >= lane.lanes / 2);
    if (!anchorRight) {
      element.style.left = "calc(" + (lane.lane * 100 / lane.lanes) + "% + 2px)";
    } else {
      element.style.right = "calc(" + ((lane.lanes - lane.lane - 1) * 100 / lane.lanes) + "% + 2px)";
    }
    return element;
  }

  function line(className, range, mins) {
    var element = el("div", className);
    element.style.top = px(mins - range.start) + "px";
    return element;
  }

  function shade(range, from, to) {
    var element = el("div", "tt-outside");
    element.style.top = px(from - range.start) + "px";
    element.style.height = px(to - from) + "px";
    return element;
  }

  // The time axis: a label every half hour, and the event's start and end labelled as such.
  function timeAxis(state, text, range, height) {
    var axis = el("div", "tt-times");
    axis.setAttribute("aria-hidden", "true");
    axis.style.height = height + "px";
    axis.appendChild(shade(range, range.start, state.event.start));
    axis.appendChild(shade(range, state.event.end, range.end));
    var bounds = [state.event.start, state.event.end];
    for (var m = range.start; m < range.end; m += 30) {
      if (Math.abs(m - bounds[0]) < 15 || Math.abs(m - bounds[1]) < 15) { continue; }
      axis.appendChild(line("tt-time", range, m)).textContent = T.clock(m);
    }
    [[bounds[0], text.eventStart], [bounds[1], text.eventEnd]].forEach(function (bound) {
      var label = axis.appendChild(line("tt-time tt-time-bound", range, bound[0]));
      label.appendChild(el("span", null, T.clock(bound[0])));
      label.appendChild(el("span", "tt-time-what", bound[1]));
    });
    return axis;
  }

  // Behind the columns: half-hour lines, the shaded time outside the event and its bounds.
  function hours(state, range, height) {
    var layer = el("div", "tt-hours");
    layer.setAttribute("aria-hidden", "true");
    layer.style.height = height + "px";
    layer.appendChild(shade(range, range.start, state.event.start));
    layer.appendChild(shade(range, state.event.end, range.end));
    for (var m = range.start + 30; m < range.end; m += 30) { layer.appendChild(line("tt-line", range, m)); }
    layer.appendChild(line("tt-bound tt-bound-start", range, state.event.start));
    layer.appendChild(line("tt-bound tt-bound-end", range, state.event.end));
    return layer;
  }

  function slot(state, key, text) {
    var element = el("div", "tt-slot");
    element.tabIndex = 0;
    element.setAttribute("role", "button");
    element.dataset.room = key;
    element.appendChild(el("span", "tt-slot-label"));
    return element;
  }

  // Where a column's "new session here" slot stands, and what it says.
  T.placeSlot = function (view, element, start, length, text) {
    var end = start + length;
    element.style.top = (px(start - view.range.start) + 1) + "px";
    element.style.height = Math.max(px(length) - 1, 4) + "px";
    element.firstChild.textContent = "+ " + T.span(start, end);
    element.setAttribute("aria-label", T.fill(text.newHere, {
      room: T.roomName(view.state, element.dataset.room, text), time: T.span(start, end),
    }));
    element.dataset.start = String(start);
  };

  /* Draw everything; returns the view: the range shown and the columns, for hit-testing. */
  T.renderGrid = function (grid, state, options) {
    var text = options.text, range = T.range(state), keys = T.columnKeys(state);
    var height = px(range.end - range.start);
    var byColumn = {};
    keys.forEach(function (key) { byColumn[key] = []; });
    state.sessions.forEach(function (session) { (byColumn[session.room] || byColumn[""]).push(session); });
    var lanes = {}, widest = {};
    keys.forEach(function (key) {
      var found = T.lanes(byColumn[key]);
      widest[key] = 1;
      Object.keys(found).forEach(function (id) { lanes[id] = found[id]; widest[key] = Math.max(widest[key], found[id].lanes); });
    });

    grid.textContent = "";
    var canvas = el("div", "tt-canvas");
    canvas.style.gridTemplateColumns = "4.5rem " + keys.map(function (key) {
      return "minmax(" + Math.max(9, 6.5 * widest[key]) + "rem, " + widest[key] + "fr)";
    }).join(" ");
    canvas.style.gridTemplateRows = "auto " + height + "px";
    var corner = canvas.appendChild(el("div", "tt-corner"));
    corner.style.gridColumn = "1";
    corner.style.gridRow = "1";
    canvas.appendChild(timeAxis(state, text, range, height));
    canvas.appendChild(hours(state, range, height));

    var view = { state: state, range: range, columns: [], canvas: canvas };
    keys.forEach(function (key, i) {
      var head = canvas.appendChild(el("div", "tt-head", T.roomName(state, key, text)));
      head.style.gridColumn = String(i + 2);
      head.style.gridRow = "1";
      var body = canvas.appendChild(el("div", "tt-col"));
      body.dataset.room = key;
      body.style.gridColumn = String(i + 2);
      body.style.gridRow = "2";
      body.style.height = height + "px";
      var newSlot = body.appendChild(slot(state, key, text));
      view.columns.push({ key: key, head: head, body: body, slot: newSlot });
      T.placeSlot(view, newSlot, options.slotStart, options.length, text);
      var last = i === keys.length - 1;
      byColumn[key].slice().sort(function (a, b) { return a.start - b.start || a.end - b.end; }).forEach(function (session) {
        var element = body.appendChild(block(state, session, text, range, lanes[session.id]));
        var aside = note(state, session, text, range, lanes[session.id], { note: options.note, lastColumn: last });
        if (aside) {
          body.appendChild(aside);
          element.setAttribute("aria-describedby", aside.id);
        }
      });
    });
    grid.appendChild(canvas);
    return view;
  };

  // The column under a point on the screen, or null.
  T.columnAt = function (view, x) {
    for (var i = 0; i < view.columns.length; i++) {
      var box = view.columns[i].body.getBoundingClientRect();
      if (x >= box.left && x < box.right) { return view.columns[i]; }
    }
    return null;
  };

  T.columnOf = function (view, key) {
    for (var i = 0; i < view.columns.length; i++) { if (view.columns[i].key === key) { return view.columns[i]; } }
    return null;
  };

  // The minute under a point in a column, snapped down to the row.
  T.minuteAt = function (view, column, y) {
    var rows = Math.floor((y - column.body.getBoundingClientRect().top) / T.ROW);
    return T.clamp(view.range.start + rows * T.STEP, view.range.start, view.range.end - T.STEP);
  };

  /* While dragging: the block in its new column at its new time, full width, with its time
   * label reading the times it would get if dropped here. */
  T.showDragged = function (view, element, next) {
    var column = T.columnOf(view, next.room);
    if (column && element.parentNode !== column.body) { column.body.appendChild(element); }
    place(element, view.range, next.start, next.end, 0, 1);
    sizeClasses(element, next.start, next.end);
    element.querySelector(".tt-when").textContent = T.span(next.start, next.end);
  };
})();
