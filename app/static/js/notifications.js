/* The live unread count in the header. Without JavaScript the count is right on every page
   load; with it, the server sends the new count over Socket.IO (/notifications) as things
   happen, and we say it once, politely, to screen readers. */
(function () {
  "use strict";
  var count = document.querySelector("[data-notifications-count]");
  var announce = document.querySelector("[data-notifications-announce]");
  if (!count || typeof window.io !== "function") {
    return;
  }
  // The words come from the page, in its language (templates/base.html).
  var words = function (name, english, number) {
    return (count.getAttribute("data-words-" + name) || english).replace("%(count)s", String(number));
  };
  var last = null;
  var socket = window.io("/notifications", { transports: ["websocket", "polling"] });
  socket.on("unread", function (data) {
    if (!data || typeof data.count !== "number") {
      return;
    }
    count.textContent = data.count ? " " + words("new", "(%(count)s new)", data.count) : "";
    if (last !== null && data.count > last && announce) {
      announce.textContent = data.count === 1 ? words("one", "You have 1 new notification.", 1) : words("many", "You have %(count)s new notifications.", data.count);
    }
    last = data.count;
  });
})();
