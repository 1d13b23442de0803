// Listen: read a post, a meet-up or a help page aloud with the browser's own voice (en-GB where it
// has one), with Pause and Stop, lighting up each word as it is read. Without an English voice the
// server's sound-file link stays as it is.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance) { return; }

  function englishVoice() {
    var voices = synth.getVoices();
    var exact = voices.filter(function (v) { return v.lang && v.lang.replace("_", "-").toLowerCase() === "en-gb"; });
    if (exact.length) { return exact[0]; }
    var english = voices.filter(function (v) { return v.lang && v.lang.toLowerCase().indexOf("en") === 0; });
    return english.length ? english[0] : null;
  }

  // Wrap each word of the text in a span, once, and remember where it starts in the spoken text.
  function prepareWords(target) {
    if (target.listenWords) { return target.listenWords; }
    var words = [], text = "";
    // One space between words, however the page is laid out, so word positions match what is spoken.
    function space() { if (text && text.charAt(text.length - 1) !== " ") { text += " "; } }
    var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT, null);
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      if (node.parentNode.closest("[data-listen]")) { return; }
      var parts = node.nodeValue.split(/(\s+)/);
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part) {
        if (!part) { return; }
        if (/^\s+$/.test(part)) { fragment.appendChild(document.createTextNode(part)); space(); return; }
        var span = document.createElement("span");
        span.className = "listen-word";
        span.textContent = part;
        fragment.appendChild(span);
        words.push({ start: text.length, span: span });
        text += part;
      });
      space();
      node.parentNode.replaceChild(fragment, node);
    });
    target.listenWords = { words: words, text: text };
    return target.listenWords;
  }

  function clearHighlight(prepared) {
    prepared.words.forEach(function (w) { w.span.classList.remove("listen-word--current"); });
  }

  function button(label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button button--secondary button--small";
    b.textContent = label;
    return b;
  }

  function enhance(control, voice) {
    var target = document.getElementById(control.getAttribute("data-listen-target"));
    if (!target) { return; }
    var link = control.querySelector(".listen__link");
    var missing = control.querySelector(".listen__missing");
    var play = button("Listen"), pause = button("Pause"), stop = button("Stop");
    var what = link ? link.querySelector(".visually-hidden") : null;
    if (what) { play.appendChild(what.cloneNode(true)); }
    pause.hidden = true; stop.hidden = true;
    [play, pause, stop].forEach(function (b) { control.appendChild(b); });
    if (link) { link.hidden = true; }
    if (missing) { missing.hidden = true; }
    var prepared = null;

    function finished() {
      if (prepared) { clearHighlight(prepared); }
      play.hidden = false; pause.hidden = true; stop.hidden = true; pause.textContent = "Pause";
    }

    play.addEventListener("click", function () {
      synth.cancel();
      prepared = prepareWords(target);
      var utterance = new SpeechSynthesisUtterance(prepared.text);
      utterance.voice = voice;
      utterance.lang = voice.lang || "en-GB";
      // A thread page says the rate once, on the element around its posts.
      var rated = control.closest("[data-listen-rate]");
      utterance.rate = (rated && parseFloat(rated.getAttribute("data-listen-rate"))) || 1;
      utterance.addEventListener("boundary", function (event) {
        if (event.name && event.name !== "word") { return; }
        clearHighlight(prepared);
        var current = null;
        prepared.words.forEach(function (w) { if (w.start <= event.charIndex) { current = w; } });
        if (current) { current.span.classList.add("listen-word--current"); }
      });
      utterance.addEventListener("end", finished);
      utterance.addEventListener("error", finished);
      synth.speak(utterance);
      play.hidden = true; pause.hidden = false; stop.hidden = false;
      pause.focus();
    });
    pause.addEventListener("click", function () {
      if (synth.paused) { synth.resume(); pause.textContent = "Pause"; } else { synth.pause(); pause.textContent = "Carry on"; }
    });
    stop.addEventListener("click", function () { synth.cancel(); finished(); play.focus(); });
  }

  function start() {
    var voice = englishVoice();
    if (!voice) { return false; }
    // A thread page's posts carry only the sound-file link (forums/_post.html): put each in the
    // usual control first, reading the text of the post around it.
    Array.prototype.forEach.call(document.querySelectorAll(".post__header > .listen__link"), function (link) {
      var control = document.createElement("div");
      control.className = "listen";
      control.setAttribute("data-listen", "");
      control.setAttribute("data-listen-target", link.closest("article").id + "-text");
      link.parentNode.insertBefore(control, link);
      control.appendChild(link);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-listen]"), function (control) { enhance(control, voice); });
    return true;
  }

  function ready() {
    if (start()) { return; }
    // Some browsers load their voices a moment later; try once more when they arrive.
    if ("onvoiceschanged" in synth) {
      synth.addEventListener("voiceschanged", function once() { synth.removeEventListener("voiceschanged", once); start(); });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
