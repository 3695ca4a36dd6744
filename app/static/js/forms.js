/* A refused form: the focus goes to the error summary, so a keyboard or screen-reader user
   starts with what to fix; a link in the summary puts the focus in its field, with the field's
   label in view. Loaded only on a page that shows an error summary (_forms.html). */
(function () {
  "use strict";

  function labelOf(field) {
    if (field.id) {
      var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
      if (label) { return label; }
    }
    var fieldset = field.closest("fieldset");
    return (fieldset && fieldset.querySelector("legend")) || field;
  }

  function start() {
    var summary = document.querySelector(".error-summary");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) { return; }
      var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) { return; }
      event.preventDefault();
      labelOf(field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
