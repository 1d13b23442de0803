"""Help for memory and for asking, in a real browser: Listen with the browser's own en-GB voice
(each word lit up, Pause and Stop) or, without a voice, the sound file made on the server; and
asking a volunteer with JavaScript turned off."""
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


def test_without_javascript_alice_asks_a_volunteer_and_maya_replies(context_factory, site):
    """The whole journey with JavaScript off, by the header link and the keyboard."""
    from tests.browser.support import sign_in_with_form

    alice = context_factory(java_script_enabled=False).new_page()
    sign_in_with_form(alice, "alice@example.org")
    alice.get_by_role("link", name="Ask a volunteer", exact=True).press("Enter")
    alice.wait_for_load_state()
    alice.get_by_label("What do you need help with?").fill("How do I see my meet-ups in a calendar?")
    alice.get_by_label("A message on Kindred").check()
    alice.get_by_role("button", name="Send to a volunteer").press("Enter")
    alice.wait_for_load_state()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Your question to a volunteer")
    question_url = alice.url

    maya = context_factory(java_script_enabled=False).new_page()
    sign_in_with_form(maya, "maya@example.org")
    maya.goto("/volunteers/help")
    maya.get_by_role("link", name="Alice Morgan: How do I see my meet-ups in a calendar?").press("Enter")
    maya.wait_for_load_state()
    maya.get_by_role("button", name="I will help with this").press("Enter")
    maya.wait_for_load_state()
    maya.get_by_label("Your reply").fill("Go to Meet-ups, then “Your meet-ups and calendar”.")
    maya.get_by_role("button", name="Send the reply").press("Enter")
    maya.wait_for_load_state()
    expect(maya.get_by_role("status")).to_contain_text("Your reply is sent to Alice Morgan.")

    alice.goto(question_url)
    expect(alice.locator("main")).to_contain_text("Go to Meet-ups, then “Your meet-ups and calendar”.")


def test_listen_reads_one_post_of_a_thread_page(context_factory, site):
    """A thread page's posts carry only the sound-file link (page weight, issue 15); listen.js
    gives each the same Listen, Pause and Stop, reading that post and no other."""
    context = context_factory()
    context.add_init_script(FAKE_VOICE)
    page = context.new_page()
    page.goto("/threads/1")
    words = " ".join(page.locator("#post-2 > .post__body").inner_text().split())
    page.get_by_role("button", name="Listen to post 2").click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and " ".join(spoken[0]["text"].split()) == words and spoken[0]["rate"] == 1
    expect(page.locator("#post-2 > .post__body .listen-word--current")).to_have_count(1)
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("button", name="Listen to post 2")).to_be_focused()
    context.close()


WELSH_AND_ENGLISH_VOICES = FAKE_VOICE.replace(
    '[{ name: "Test British voice", lang: "en-GB" }]',
    '[{ name: "Test British voice", lang: "en-GB" }, { name: "Test Welsh voice", lang: "cy-GB" }]')


def welsh_context(context_factory, site, voices):
    context = context_factory()
    context.add_cookies([{"name": "kindred_language", "value": "cy", "url": site.base_url}])
    context.add_init_script(voices)
    return context


def test_a_welsh_page_is_read_in_a_welsh_voice_with_welsh_buttons(context_factory, site):
    page = welsh_context(context_factory, site, WELSH_AND_ENGLISH_VOICES).new_page()
    page.goto("/help")
    expect(page.locator(".listen__link")).to_be_hidden()
    page.get_by_role("button", name="Gwrando ar y dudalen hon").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["lang"] == "cy-GB" and spoken[0]["text"].startswith("Help Mae’r dudalen hon")
    page.get_by_role("button", name="Oedi").click()
    expect(page.get_by_role("button", name="Parhau")).to_be_visible()
    page.get_by_role("button", name="Stopio").click()


def test_without_a_welsh_voice_a_welsh_page_keeps_the_sound_file_made_in_welsh(context_factory, site):
    page = welsh_context(context_factory, site, FAKE_VOICE).new_page()  # an English voice only
    page.goto("/help")
    link = page.get_by_role("link", name="Gwrando ar y dudalen hon (ffeil sain)")
    expect(link).to_be_visible()  # an English voice reading Welsh would be hard to follow
    assert page.get_by_role("button", name="Gwrando ar y dudalen hon").count() == 0
