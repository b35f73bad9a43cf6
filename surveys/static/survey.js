// Taking a survey: answers are saved by htmx as they are chosen (see take.html). This file
// only tells the student when a save did not work; the answer stays chosen on the page and
// is sent again with "Submit answers", so nothing is lost. Nothing may go on saying "Saved"
// once a save failed.
(function () {
  "use strict";
  function inSurvey(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.closest && elt.closest("#survey-form");
  }
  function tell(event, message) {
    var box = document.getElementById("save-problem");
    var item = event.detail.elt.closest("fieldset");
    var state = item && item.querySelector(".save-state");
    var progress = document.getElementById("progress-text");
    if (state) { state.textContent = "Not saved yet"; state.classList.add("not-saved"); }
    if (box) { box.textContent = message; box.hidden = false; }
    if (progress) { progress.textContent = progress.textContent.replace(/^Saved\. /, "Not saved. "); }
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    // A refused save (409: the survey closed, the answers were sent) answers with the page's
    // own "Not saved" markup: show it.
    if (inSurvey(event) && event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (!inSurvey(event)) { return; }
    var status = event.detail.xhr.status;
    if (status === 400) {
      tell(event, "This page has expired, so your last answer was not saved yet. " +
        "Your answers are still on this page: press Submit answers at the end and enter your codes again. " +
        "Nothing you chose will be lost.");
    } else {
      tell(event, "Your last answer was not saved yet. It stays chosen here and is sent when you press Submit answers.");
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (!inSurvey(event)) { return; }
    tell(event, "No connection just now, so your last answer was not saved yet. " +
      "It stays chosen here and is sent when you press Submit answers.");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!inSurvey(event) || !event.detail.successful) { return; }
    var box = document.getElementById("save-problem");
    if (box && !box.hidden && !document.querySelector("#survey-form .not-saved")) { box.hidden = true; }
  });
  document.addEventListener("htmx:afterSwap", function () {
    // a later successful save of the same item replaces its "Not saved yet" marker
    var box = document.getElementById("save-problem");
    if (box && !box.hidden && !document.querySelector("#survey-form .not-saved")) { box.hidden = true; }
  });
})();
