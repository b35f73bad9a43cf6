// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function focusErrors(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  // A form tagged data-autosubmit sends itself when a select or checkbox in it changes
  // (the filters of the roster); the submit button stays for keyboard and no-JS users.
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select, input[type=checkbox]")) {
      if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.requestSubmit(); }
    }
  });
})();
