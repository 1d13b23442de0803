// Listen: read a post, a meet-up or a help page aloud with the browser's own voice, in the language
// of the words read (the closest lang attribute, else the page's: a Welsh post on an English page is
// read in a Welsh voice), with Pause and Stop, lighting up each word as it is read. English prefers
// an en-GB voice. Without a voice for that language the server's sound-file link stays as it is
// (the server speaks Welsh in espeak-ng's Welsh voice: better than an English voice reading Welsh).
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance) { return; }

  // Preferred exact voice per language; any voice whose language starts with the code comes next.
  var PREFERRED = { en: "en-gb", cy: "cy-gb" };

  function normalise(lang) { return (lang || "").replace("_", "-").toLowerCase(); }

  function languageOf(element) {
    var marked = element && element.closest ? element.closest("[lang]") : null;
    var lang = normalise(marked ? marked.getAttribute("lang") : document.documentElement.lang);
    return lang.split("-")[0] || "en";
  }

  function voiceFor(language) {
    var voices = synth.getVoices();
    var preferred = PREFERRED[language] || language;
    var exact = voices.filter(function (v) { return normalise(v.lang) === preferred; });
    if (exact.length) { return exact[0]; }
    var same = voices.filter(function (v) { var l = normalise(v.lang); return l === language || l.indexOf(language + "-") === 0; });
    return same.length ? same[0] : null;
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

  // True when the control now uses the browser's voice; false leaves the sound-file link.
  function enhance(control) {
    if (control.listenReady) { return true; }
    var target = control.listenTarget || document.getElementById(control.getAttribute("data-listen-target"));
    if (!target) { return true; }
    var language = languageOf(target);
    var voice = voiceFor(language);
    if (!voice) { return false; }
    control.listenReady = true;
    var link = control.querySelector(".listen__link");
    var missing = control.querySelector(".listen__missing");
    // The words on the buttons come from the page, in its language (templates/_macros/listen.html).
    // (a thread page says them once, on the element around its posts, like the rate).
    var labelled = control.closest("[data-listen-play]");
    var label = function (name, english) { return (labelled && labelled.getAttribute("data-listen-" + name)) || english; };
    var play = button(label("play", "Listen")), pause = button(label("pause", "Pause")), stop = button(label("stop", "Stop"));
    var what = link ? link.querySelector(".visually-hidden") : null;
    if (what) { play.appendChild(what.cloneNode(true)); }
    pause.hidden = true; stop.hidden = true;
    [play, pause, stop].forEach(function (b) { control.appendChild(b); });
    if (link) { link.hidden = true; }
    if (missing) { missing.hidden = true; }
    var prepared = null;

    function finished() {
      if (prepared) { clearHighlight(prepared); }
      play.hidden = false; pause.hidden = true; stop.hidden = true; pause.textContent = label("pause", "Pause");
    }

    play.addEventListener("click", function () {
      synth.cancel();
      prepared = prepareWords(target);
      var utterance = new SpeechSynthesisUtterance(prepared.text);
      utterance.voice = voice;
      utterance.lang = voice.lang || language;
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
      if (synth.paused) { synth.resume(); pause.textContent = label("pause", "Pause"); } else { synth.pause(); pause.textContent = label("resume", "Carry on"); }
    });
    stop.addEventListener("click", function () { synth.cancel(); finished(); play.focus(); });
    return true;
  }

  // True when every control found its voice.
  function start() {
    // A thread page's posts carry only the sound-file link (forums/_post.html): put each in the
    // usual control first, reading the text of the post around it (its article's own .post__body,
    // found here rather than named by an id in each post: page weight, issue 15). A post folded
    // away (blocked or muted writer) has none outside its <details>: its link stays a sound file.
    Array.prototype.forEach.call(document.querySelectorAll(".post > header > .listen__link"), function (link) {
      var control = document.createElement("div");
      control.className = "listen";
      control.setAttribute("data-listen", "");
      control.listenTarget = link.closest("article").querySelector(":scope > .post__body");
      link.parentNode.insertBefore(control, link);
      control.appendChild(link);
    });
    var all = true;
    Array.prototype.forEach.call(document.querySelectorAll("[data-listen]"), function (control) {
      if (!enhance(control)) { all = false; }
    });
    return all;
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
