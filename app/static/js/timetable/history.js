/* Kennisagenda timetable editor, part 4 of 5: undo and redo. Each entry is one move, resize
 * or room change of one session: where it was (before) and where it went (after). Undo sends
 * the session back to `before`, redo to `after`, each with the version the state shows then;
 * a new change clears the redo stack. */
(function () {
  "use strict";

  var T = window.Timetable;

  T.History = function () {
    this.done = [];
    this.undone = [];
  };

  T.History.prototype.record = function (id, before, after) {
    this.done.push({ id: String(id), before: before, after: after });
    this.undone.length = 0;
  };

  T.History.prototype.canUndo = function () { return this.done.length > 0; };
  T.History.prototype.canRedo = function () { return this.undone.length > 0; };
  T.History.prototype.nextUndo = function () { return this.done[this.done.length - 1] || null; };
  T.History.prototype.nextRedo = function () { return this.undone[this.undone.length - 1] || null; };

  /* After the server answered an undo: applied, it moves to the redo stack. Refused (400, the
   * session gone, or 409: someone else changed it since, and their change wins), it is
   * dropped so it cannot block the stack; without a connection it stays, to be tried again. */
  T.History.prototype.afterUndo = function (outcome) { settle(this.done, this.undone, outcome); };
  T.History.prototype.afterRedo = function (outcome) { settle(this.undone, this.done, outcome); };

  function settle(from, to, outcome) {
    if (outcome === "applied") { to.push(from.pop()); } else if (outcome !== "stale") { from.pop(); }
  }

  // Where a session is, in the terms of an entry.
  T.position = function (session) {
    return { start: session.start, end: session.end, room: session.room };
  };

  T.samePosition = function (a, b) {
    return a.start === b.start && a.end === b.end && a.room === b.room;
  };
})();
