// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers and keyboard users start there.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Pressing a button twice should send the form once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "yes") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "yes";
    form.querySelectorAll("[data-prevent-double-click]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
    // If the page stays (for example the network failed), let the person try again.
    window.setTimeout(function () { form.dataset.submitted = ""; }, 5000);
  });
})();
