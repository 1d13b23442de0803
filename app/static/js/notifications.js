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
  var last = null;
  var socket = window.io("/notifications", { transports: ["websocket", "polling"] });
  socket.on("unread", function (data) {
    if (!data || typeof data.count !== "number") {
      return;
    }
    count.textContent = data.count ? " (" + data.count + " new)" : "";
    if (last !== null && data.count > last && announce) {
      announce.textContent = data.count === 1 ? "You have 1 new notification." : "You have " + data.count + " new notifications.";
    }
    last = data.count;
  });
})();
