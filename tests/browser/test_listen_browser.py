"""Listen in a real browser: the browser's own en-GB voice reads the help page, lighting up each word,
with Pause and Stop; without a voice the sound-file link made on the server stays."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# A stand-in for the browser's speech engine (headless Chromium has no voices): it records what it
# was asked to say and announces word boundaries the way real engines do.
FAKE_VOICE = """
(() => {
  const spoken = [];
  window.__spoken = spoken;
  const synth = {
    paused: false, speaking: false, current: null,
    getVoices: () => [{ name: "Test British voice", lang: "en-GB" }],
    speak(utterance) {
      spoken.push({ text: utterance.text, lang: utterance.lang, rate: utterance.rate });
      this.current = utterance; this.speaking = true;
      const second = utterance.text.indexOf(" ", 1) + 1;
      setTimeout(() => utterance.dispatchEvent(Object.assign(new Event("boundary"), { name: "word", charIndex: second })), 10);
    },
    pause() { this.paused = true; }, resume() { this.paused = false; },
    cancel() { if (this.current) { const u = this.current; this.current = null; u.dispatchEvent(new Event("end")); } },
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth });
  window.SpeechSynthesisUtterance = class extends EventTarget {
    constructor(text) { super(); this.text = text; this.rate = 1; this.lang = ""; this.voice = null; }
  };
})();
"""


def test_listen_reads_the_help_page_aloud_with_the_words_lit_up(context_factory, site):
    context = context_factory()
    context.add_init_script(FAKE_VOICE)
    page = context.new_page()
    page.goto("/help")
    expect(page.locator(".listen__link")).to_be_hidden()  # the voice is there, so the file link steps aside
    page.get_by_role("button", name="Listen to this page").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["text"].startswith("Help This page helps you use Kindred.") and spoken[0]["lang"] == "en-GB"
    expect(page.locator(".listen-word--current")).to_have_count(1)
    expect(page.locator(".listen-word--current")).to_have_text("This")
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Carry on")).to_be_visible()
    page.get_by_role("button", name="Stop").click()
    expect(page.locator(".listen-word--current")).to_have_count(0)
    expect(page.get_by_role("button", name="Listen to this page")).to_be_focused()
    context.close()


def test_without_a_voice_the_sound_file_link_stays(context_factory, site):
    context = context_factory()
    page = context.new_page()
    page.goto("/help")
    link = page.get_by_role("link", name="Listen to this page (a sound file)")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "audio/wav" and response.body()[:4] == b"RIFF"
    context.close()
