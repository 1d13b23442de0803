// Autosave for forum writing: progressive enhancement only. Without it, "Save draft" does the same job.
(function () {
  "use strict";
  var SAVE_AFTER_MS = 3000;

  function setUp(form) {
    var status = form.querySelector("[data-draft-status]");
    var token = form.querySelector("input[name=csrf_token]");
    var title = form.querySelector("[name=title]");
    var body = form.querySelector("[name=body]");
    var timer = null;
    var lastSent = null;
    if (!body) { return; }

    function say(message) { if (status) { status.textContent = message; } }

    function save() {
      var payload = {
        thread_id: form.dataset.threadId || null,
        category_id: form.dataset.categoryId || null,
        title: title ? title.value : "",
        body: body.value
      };
      var text = JSON.stringify(payload);
      if (text === lastSent) { return; }
      fetch(form.dataset.autosaveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: text
      }).then(function (response) {
        return response.json().then(function (data) {
          if (response.ok && data.saved) {
            lastSent = text;
            var now = new Date();
            say("Draft saved at " + now.toLocaleTimeString("en-GB", { hour: "numeric", minute: "2-digit" }) + ".");
          } else {
            say(data.message || "We could not save your draft. Your writing is still on this page.");
          }
        });
      }).catch(function () {
        say("We could not save your draft just now. Your writing is still on this page.");
      });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, SAVE_AFTER_MS);
    }

    body.addEventListener("input", later);
    if (title) { title.addEventListener("input", later); }
    // Leaving the page (closing the tab) saves at once, so nothing typed is lost.
    window.addEventListener("pagehide", function () {
      if (timer && form.dataset.submitted !== "yes") { window.clearTimeout(timer); save(); }
    });
    form.addEventListener("submit", function () { window.clearTimeout(timer); timer = null; });
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(setUp);
})();
