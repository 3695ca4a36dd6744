/* The editor's "Werkversie" panel follows the grid: after every change the timetable sends its
 * new state (the `timetable:state` event), and the panel lists the differences from the
 * released version the server computed — the same lines the publish page will show. */
(function () {
  "use strict";

  var panel = document.getElementById("working-copy");
  if (!panel) { return; }
  var heading = document.getElementById("working-changes");
  var lines = document.getElementById("working-lines");

  document.addEventListener("timetable:state", function (event) {
    var summary = (event.detail && event.detail.summary) || [];
    heading.textContent = "";
    if (summary.length) {
      var strong = document.createElement("strong");
      strong.textContent = panel.dataset.some.replace("{n}", String(summary.length));
      heading.appendChild(strong);
    } else {
      heading.textContent = panel.dataset.none;
    }
    lines.textContent = "";
    summary.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      lines.appendChild(item);
    });
  });
})();
