// Progressive enhancement: controls with data-autosubmit submit their form on change.
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // A page shown again with a note about unanswered statements (#ubesvart): bring the note into
  // view and give it focus, so it is read out and seen next to the buttons.
  window.addEventListener("load", function () {
    var note = location.hash === "#ubesvart" && document.getElementById("ubesvart");
    if (note) {
      note.focus({ preventScroll: true });
      note.scrollIntoView({ block: "center" });
    }
  });
  // Prevent a double click from sending a form twice (the server is idempotent anyway).
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });
})();
