// Makes a chat room live. Without this file (or without Socket.IO) the room still works:
// the form posts the message and the page comes back with it.
(function () {
  "use strict";

  var log = document.getElementById("chat-log");
  if (!log || typeof window.io !== "function" || log.dataset.live !== "yes") { return; }

  var list = log.querySelector("[data-chat-list]");
  var roomId = parseInt(log.dataset.roomId, 10);
  var userId = parseInt(log.dataset.userId, 10);
  var canModerate = log.dataset.canModerate === "yes";
  var form = document.querySelector("[data-chat-form]");
  var textarea = form ? form.querySelector("textarea") : null;
  var clientIdField = form ? form.querySelector("input[name=client_id]") : null;
  var unsentNote = document.querySelector("[data-chat-unsent]");
  var statusLine = document.querySelector("[data-chat-status]");
  var newBox = document.querySelector("[data-chat-new]");
  var newButton = document.querySelector("[data-chat-new-button]");
  var hereList = document.querySelector("[data-chat-here]");
  var slowText = document.querySelector("[data-slow-mode-text]");
  var keysHint = document.querySelector("[data-chat-keys]");

  var ACK_WAIT_MS = 5000;      // no acknowledgement by then: show "Not sent yet" and try again
  var RETRY_MAX_MS = 15000;    // retries wait 1, 2, 4, 8, then 15 seconds
  var CATCH_UP_EVERY_MS = 30000;  // ask for anything newer, in case a live delivery never came

  var lastSeenId = 0;
  var lastSeq = 0;    // the highest room number seen; a jump means messages were missed
  var asked = {};     // room numbers already asked for, so each is asked for once
  var unseen = 0;
  var pending = null;  // {client_id, body, tries}: written, not yet acknowledged as stored
  var sendTimer = null;
  var retryTimer = null;

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID().replace(/-/g, ""); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  // The page's sentences in its language (room.html, data-words); English if they are missing.
  var words = {};
  try { words = JSON.parse(log.dataset.words || "{}"); } catch (e) { words = {}; }
  function t(key, english, values) {
    var text = words[key] || english;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  // After words of crisis the server sends the support lines: show them at the top of the page,
  // announced and focused, like the page without JavaScript does (templates/_partials/support_lines.html).
  function showSupport(support) {
    var main = document.getElementById("main-content");
    if (!main || !support || !support.lines) { return; }
    var old = main.querySelector("[data-support-box]");
    if (old) { old.remove(); }
    var box = document.createElement("section");
    box.className = "support-box";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "support-box-title");
    box.setAttribute("tabindex", "-1");
    box.setAttribute("data-support-box", "");
    var title = document.createElement("h2");
    title.id = "support-box-title";
    title.textContent = t("support_title", "You are not alone. You can talk to someone now");
    var intro = document.createElement("p");
    intro.textContent = support.intro;
    var lines = document.createElement("ul");
    lines.className = "support-box__lines";
    support.lines.forEach(function (line) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = line.link;
      link.textContent = line.number;
      item.appendChild(document.createTextNode(line.name + ": "));
      item.appendChild(link);
      lines.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(intro);
    box.appendChild(lines);
    main.insertBefore(box, main.firstChild);
    box.focus();
  }

  function nearBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 48; }
  function toBottom() { log.scrollTop = log.scrollHeight; }

  function showNewCount() {
    if (!newBox) { return; }
    if (unseen > 0) {
      newButton.textContent = unseen === 1 ? t("new_one", "1 new message — show them") : t("new_many", "{n} new messages — show them", {n: unseen});
      newBox.hidden = false;
    } else {
      newBox.hidden = true;
    }
  }

  function actionLink(template, id, words, hidden) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = template.replace(/\/0\/(\w+)$/, "/" + id + "/$1");
    a.textContent = words;
    if (hidden) {
      var span = document.createElement("span");
      span.className = "visually-hidden";
      span.textContent = hidden;
      a.appendChild(span);
    }
    li.appendChild(a);
    return li;
  }

  function render(message) {
    var li = document.createElement("li");
    li.className = "chat-message" + (message.held ? " chat-message--held" : "");
    li.id = "message-" + message.id;
    li.dataset.messageId = message.id;
    if (typeof message.seq === "number") { li.dataset.seq = message.seq; }
    var meta = document.createElement("p");
    meta.className = "chat-message__meta";
    var who = document.createElement("span");
    who.className = "chat-message__author";
    who.textContent = message.author;
    var when = document.createElement("time");
    when.dateTime = message.iso;
    when.textContent = message.when;
    meta.append(who, " ", when);
    var body = document.createElement("p");
    body.className = "chat-message__body";
    body.textContent = message.body;
    li.append(meta, body);
    if (message.held) {
      var held = document.createElement("p");
      held.className = "chat-message__held";
      held.textContent = message.author_id === userId
        ? t("held_own", "Only you can see this for now. A volunteer will check this soon.")
        : t("held_other", "Held for a volunteer to check.");
      li.appendChild(held);
    }
    var actions = document.createElement("ul");
    actions.className = "chat-message__actions";
    if (message.author_id === userId) {
      actions.appendChild(actionLink(log.dataset.deleteUrl, message.id, t("delete", "Delete"), " " + t("delete_hidden", "your message from {when}", {when: message.when})));
    }
    if (canModerate) {
      actions.appendChild(actionLink(log.dataset.hideUrl, message.id, t("hide", "Hide"), " " + t("hide_hidden", "this message from {name}", {name: message.author})));
    }
    li.appendChild(actions);
    return li;
  }

  // Show a message once: a repeat (catch-up overlap, or a held message released) replaces it in place.
  function add(message) {
    if (message.room_id !== roomId) { return; }
    var existing = document.getElementById("message-" + message.id);
    var item = render(message);
    if (existing) { existing.replaceWith(item); return; }
    var empty = list.querySelector("[data-chat-empty]");
    if (empty) { empty.remove(); }
    var stayDown = nearBottom();
    // Keep the order by id even if a late message arrives out of turn.
    var after = null;
    log.querySelectorAll(".chat-message").forEach(function (el) {
      if (!after && parseInt(el.dataset.messageId, 10) > message.id) { after = el; }
    });
    list.insertBefore(item, after);
    if (message.id > lastSeenId) { lastSeenId = message.id; }
    noteSeq(message.seq);
    if (pending && message.client_id === pending.client_id && message.author_id === userId) { sent(); }
    if (stayDown || message.author_id === userId) {
      toBottom();
    } else {
      unseen += 1;
      showNewCount();
    }
  }

  // ---- Gaps: the room numbers its messages 1, 2, 3 ...; ask for exactly the ones not seen ----
  function noteSeq(seq) {
    if (typeof seq !== "number") { return; }
    var missing = [];
    for (var n = lastSeq + 1; n < seq && missing.length < 100; n += 1) {
      if (!asked[n] && !list.querySelector("[data-seq='" + n + "']")) { missing.push(n); }
    }
    if (seq > lastSeq) { lastSeq = seq; }
    if (missing.length) { fetchMissing(missing); }
  }

  function fetchMissing(seqs) {
    seqs.forEach(function (n) { asked[n] = true; });
    socket.emit("fetch", { room_id: roomId, seqs: seqs }, function (answer) {
      if (answer && answer.ok) {
        (answer.messages || []).forEach(add);
      } else {
        seqs.forEach(function (n) { delete asked[n]; });  // ask again with the next catch-up
      }
    });
  }

  // ---- Sending: keep the words until the server says they are stored, and keep trying ----
  function sent() {
    if (!pending) { return; }
    if (textarea.value.trim() === pending.body.trim()) { textarea.value = ""; }
    pending = null;
    clientIdField.value = newClientId();
    unsentNote.hidden = true;
    window.clearTimeout(sendTimer);
    window.clearTimeout(retryTimer);
  }

  function markUnsent() {
    if (pending) { unsentNote.hidden = false; }
  }

  function retryLater() {
    if (!pending) { return; }
    markUnsent();
    window.clearTimeout(retryTimer);
    var wait = Math.min(RETRY_MAX_MS, 1000 * Math.pow(2, Math.max(0, pending.tries - 1)));
    retryTimer = window.setTimeout(trySend, wait);
  }

  function trySend() {
    if (!pending || !socket.connected) { markUnsent(); return; }  // the reconnect sends it
    var attempt = pending;
    attempt.tries += 1;
    window.clearTimeout(sendTimer);
    window.clearTimeout(retryTimer);
    // The same client id every time: the server stores it once however often it arrives.
    sendTimer = window.setTimeout(retryLater, ACK_WAIT_MS);
    socket.emit("send", { room_id: roomId, body: attempt.body, client_id: attempt.client_id }, function (answer) {
      if (answer && answer.ok) {
        // The sender is always told, even when the message already came back through the room
        // (which ends `pending`): the support lines after words of crisis, or why it waits.
        if (answer.support) { showSupport(answer.support); }
        if (answer.notice) { say(answer.notice); }
      }
      if (pending !== attempt) { return; }
      window.clearTimeout(sendTimer);
      if (answer && answer.ok) {
        add(answer.message);
        sent();
        if (!answer.notice) { say(t("sent", "Sent.")); }
      } else if (answer && answer.retry) {
        // The server could not store it just now (a busy database): nothing is wrong with it.
        say(answer.error);
        retryLater();
      } else {
        // A rule said no (too fast, too long...): the words stay in the box; the reason is shown.
        pending = null;
        unsentNote.hidden = false;
        say(answer && answer.error ? answer.error : t("not_sent", "Your message was not sent. Please try again."));
      }
    });
  }

  // ---- The connection ----
  log.classList.add("chat-log--live");
  log.querySelectorAll(".chat-message").forEach(function (el) {
    lastSeenId = Math.max(lastSeenId, parseInt(el.dataset.messageId, 10) || 0);
    lastSeq = Math.max(lastSeq, parseInt(el.dataset.seq, 10) || 0);
  });
  toBottom();
  if (keysHint) { keysHint.hidden = false; }

  var socket = window.io("/chat", { transports: ["websocket", "polling"] });
  say(t("connecting", "Connecting to the room…"));

  socket.on("connect", function () {
    socket.emit("join", { room_id: roomId, after_id: lastSeenId }, function (answer) {
      if (!answer || !answer.ok) { return; }
      (answer.messages || []).forEach(add);
      say(t("connected", "Connected. New messages appear as they arrive."));
      if (pending) { trySend(); }
    });
  });
  window.setInterval(function () {
    if (socket.connected) { socket.emit("catch_up", { room_id: roomId, after_id: lastSeenId }); }
  }, CATCH_UP_EVERY_MS);
  socket.on("disconnect", function () {
    say(t("lost", "The connection is lost. We will keep trying. What you write will be sent when it is back."));
    markUnsent();
  });
  socket.on("connect_error", function (error) {
    // Only the server's own sentences (e.g. "Please sign in to chat.") are shown: transport errors
    // ("websocket error", "xhr poll error") have a type and are technical words.
    var fromServer = error && !error.type && error.message && error.message.indexOf(" ") > 0;
    say(fromServer ? t("server_error", "{problem} We will keep trying to connect.", {problem: error.message})
                   : t("unreachable", "We cannot reach the chat just now. We will keep trying to connect."));
  });
  socket.on("new_message", add);
  socket.on("catch_up", function (answer) { (answer.messages || []).forEach(add); });
  socket.on("message_removed", function (data) {
    if (data.room_id !== roomId) { return; }
    var el = document.getElementById("message-" + data.id);
    if (el) { el.remove(); }
  });
  socket.on("presence", function (data) {
    if (data.room_id !== roomId || !hereList) { return; }
    hereList.textContent = "";
    var names = data.names.length ? data.names : [t("nobody", "Nobody else is showing as here right now.")];
    names.forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = name;
      hereList.appendChild(li);
    });
  });
  socket.on("room_settings", function (data) {
    if (data.room_id !== roomId || !slowText) { return; }
    slowText.textContent = data.slow_mode_text;
    slowText.hidden = !data.slow_mode_text;
  });
  socket.on("notice", function (data) { if (data.room_id === roomId) { say(data.message); } });
  socket.on("chat_error", function (data) {
    if (data.event !== "send") { say(data.error); }
  });

  log.addEventListener("scroll", function () {
    if (nearBottom() && unseen) { unseen = 0; showNewCount(); }
  });
  if (newButton) {
    newButton.addEventListener("click", function () { unseen = 0; showNewCount(); toBottom(); log.focus(); });
  }

  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    var body = textarea.value.trim();
    if (!body) { return; }  // let the server explain, as it does without JavaScript
    event.preventDefault();
    event.stopImmediatePropagation();
    if (pending) { trySend(); return; }  // already on its way: pressing Send again tries again now
    pending = { client_id: clientIdField.value || newClientId(), body: body, tries: 0 };
    clientIdField.value = pending.client_id;
    trySend();
  }, true);
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  textarea.addEventListener("input", function () {
    // Changing the words after a failed send makes it a new message.
    if (!pending) { unsentNote.hidden = true; }
  });
})();
