/* Kennisagenda timetable editor, part 1 of 5: the state from the server in the grid's terms,
 * wall-clock arithmetic and the layout rules (the grid's range and side-by-side lanes).
 * Pure functions on window.Timetable; no DOM. Loaded before js/timetable.js (see _grid.html). */
(function () {
  "use strict";

  var T = window.Timetable = window.Timetable || {};
  T.STEP = 5;        // minutes per row: every move and resize snaps to it
  T.ROW = 6;         // pixels per row
  T.MARGIN = 60;     // minutes of shaded "outside" time above and below, to drag into

  // Local wall-clock times as minutes, computed in UTC so the browser's zone never interferes.
  T.minutes = function (local) {
    var parts = String(local).split("T"), d = parts[0].split("-"), t = (parts[1] || "0:0").split(":");
    return Date.UTC(+d[0], +d[1] - 1, +d[2], +t[0], +t[1]) / 60000;
  };
  T.local = function (mins) { return new Date(mins * 60000).toISOString().slice(0, 16); };
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  T.clock = function (mins) {
    var d = new Date(mins * 60000);
    return pad(d.getUTCHours()) + "." + pad(d.getUTCMinutes());
  };
  T.span = function (start, end) { return T.clock(start) + "–" + T.clock(end); };
  T.fill = function (template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  };
  T.clamp = function (value, low, high) { return Math.max(low, Math.min(high, value)); };

  // A room column's key: the room id as text, "" for the "Geen zaal" column.
  T.roomKey = function (roomId) { return roomId === null || roomId === undefined || roomId === "" ? "" : String(roomId); };

  /* The server's JSON, tolerant of fields that are missing or still ints: ids become strings,
   * missing lists become empty, and every session gets its times as minutes (start, end). */
  T.normalise = function (data) {
    var event = data.event || {};
    var rooms = (data.rooms || []).map(function (room) {
      return { id: room.id, key: T.roomKey(room.id), name: room.name, capacity: room.capacity };
    });
    var sessions = (data.sessions || []).map(function (raw) {
      var session = {};
      Object.keys(raw).forEach(function (key) { session[key] = raw[key]; });
      session.id = String(raw.id);
      session.room = T.roomKey(raw.room_id);
      session.start = T.minutes(raw.starts_at);
      session.end = T.minutes(raw.ends_at);
      session.speakers = raw.speakers || [];
      session.cancelled = !!raw.cancelled;
      session.conflict = !!raw.conflict;
      session.outside = !!raw.outside;
      session.changed = !!raw.changed;
      session.isNew = !!raw["new"];
      return session;
    });
    var conflicts = (data.conflicts || []).map(function (conflict) {
      return {
        rule: conflict.rule, severity: conflict.severity || "error", message: conflict.message,
        sessions: (conflict.sessions || []).map(String),
      };
    });
    return {
      event: {
        id: event.id, starts_at: event.starts_at, ends_at: event.ends_at,
        start: T.minutes(event.starts_at), end: T.minutes(event.ends_at),
        published: !!event.published, workingCopy: !!event.working_copy, newUrl: event.new_url || null,
      },
      rooms: rooms, sessions: sessions, conflicts: conflicts, changes: data.changes || 0,
      summary: data.summary || [],
    };
  };

  T.find = function (state, id) {
    for (var i = 0; i < state.sessions.length; i++) {
      if (state.sessions[i].id === String(id)) { return state.sessions[i]; }
    }
    return null;
  };

  T.roomOf = function (state, key) {
    for (var i = 0; i < state.rooms.length; i++) { if (state.rooms[i].key === key) { return state.rooms[i]; } }
    return null;
  };

  // The room id the server expects for a column key (an int when the state gave one).
  T.roomIdOf = function (state, key) {
    var room = T.roomOf(state, key);
    return room ? room.id : null;
  };

  // The columns left to right: the rooms in the server's order, then "Geen zaal".
  T.columnKeys = function (state) {
    return state.rooms.map(function (room) { return room.key; }).concat([""]);
  };

  T.conflictsOf = function (state, id) {
    return state.conflicts.filter(function (conflict) { return conflict.sessions.indexOf(String(id)) !== -1; });
  };

  /* The minutes the grid shows: the event's hours and every session, widened to whole half
   * hours, plus a shaded margin so a block can be dragged outside the hours. */
  T.range = function (state) {
    var start = state.event.start, end = state.event.end;
    if (!(end > start)) { end = start + 60; }
    state.sessions.forEach(function (session) {
      start = Math.min(start, session.start);
      end = Math.max(end, session.end);
    });
    return {
      start: Math.floor(start / 30) * 30 - T.MARGIN,
      end: Math.ceil(end / 30) * 30 + T.MARGIN,
    };
  };

  /* Calendar-style lanes for the sessions of one column: sessions that overlap (directly or
   * through a chain) form a group; each takes the leftmost lane free at its start, and every
   * member of a group is as wide as the group's widest moment allows. Half-open intervals:
   * one ending at 11.00 and one starting at 11.00 share a lane. */
  T.lanes = function (items) {
    var sorted = items.slice().sort(function (a, b) {
      return a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    var result = {}, group = [], laneEnds = [], groupEnd = -Infinity;
    function closeGroup() {
      group.forEach(function (id) { result[id].lanes = laneEnds.length; });
      group = [];
      laneEnds = [];
    }
    sorted.forEach(function (item) {
      if (item.start >= groupEnd) { closeGroup(); groupEnd = -Infinity; }
      var lane = 0;
      while (lane < laneEnds.length && laneEnds[lane] > item.start) { lane++; }
      laneEnds[lane] = item.end;
      result[item.id] = { lane: lane, lanes: 1 };
      group.push(item.id);
      groupEnd = Math.max(groupEnd, item.end);
    });
    closeGroup();
    return result;
  };
})();
