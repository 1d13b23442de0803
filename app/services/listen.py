"""Listen: what a person may read, as spoken audio made on the server with espeak-ng.

The browser's own voice (static/js/listen.js) reads pages aloud where it can; this is the fallback
for people without JavaScript or without an English voice. Each text is looked up with the same
permission check as its page, and the sound file is cached by its content (text, voice and speed),
so a popular post is spoken once.

Why Debian's espeak-ng and not the `espeakng-loader` wheel: espeak-ng is GPL-3.0-or-later. The
wheel (MIT for its own few lines) ships the GPL libespeak-ng shared library for loading into our
own process, which would make Kindred a combined work; Debian's `espeak-ng` program runs as a
separate process (no linking), comes with security updates from the distribution, and is installed
the way the browser tests' Chromium is (`make listen-voice`). Without it, the Listen link says so in
a sentence and the browser's own voice still works.
"""
from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.permissions import is_member
from app.services.errors import NotFound
from app.services import forums, meetups
from app.formatting import time_range
from app.models import Meetup, Notification

# espeak-ng's voice for each language of the site: a Welsh page is read in a Welsh voice, because
# an English voice reads Welsh spelling as English and is hard to follow.
VOICES = {"en": "en-gb", "cy": "cy"}
VOICE = VOICES["en"]
# Words a minute for espeak-ng (its default is 175), and the matching rate for speechSynthesis.
SPEEDS = {"slower": 130, "normal": 165}
BROWSER_RATES = {"slower": 0.8, "normal": 1.0}
SPEED_LABELS = {"slower": _l("Slower"), "normal": _l("Normal")}
MAX_CHARACTERS = 20_000  # about 20 minutes of speech; longer texts are cut with a sentence
HELP_PAGES = {"help": "main/help.html", "accessibility": "main/accessibility.html",
              "privacy": "main/privacy.html", "guidelines": "main/guidelines.html"}
NOT_AVAILABLE = _l("This site cannot make sound files at the moment. Your browser may be able to read the page aloud: "
                   "look for “Read aloud” in its menu.")


class NotAvailable(Exception):
    """espeak-ng is not installed (or failed): the person is told in a sentence."""


@dataclass
class Spoken:
    path: Path
    size: int


def engine() -> str | None:
    return _program(current_app.config.get("ESPEAK_COMMAND", "espeak-ng"))


@functools.lru_cache(maxsize=8)
def _program(command: str) -> str | None:
    """Looked up once per process: shutil.which stats every PATH directory, and a thread page asks
    once for each of its 20 posts (a fifth of a member's thread page's CPU time, issue 15).
    Installing espeak-ng therefore needs a restart to be noticed."""
    return shutil.which(command)


def available() -> bool:
    return engine() is not None


def speed_for(person) -> str:
    if is_member(person) and person.speech_rate in SPEEDS:
        return person.speech_rate
    return "normal"


def shows_listen(person) -> bool:
    """Visitors see it; members can turn it off in their settings."""
    return not is_member(person) or person.show_listen


# ---- What may be heard: the same checks as the pages that show the text --------------------------


def plain(html_text: str) -> str:
    """Visible words of some HTML, for speaking."""
    text = re.sub(r"<!--listen-skip-->.*?<!--/listen-skip-->", " ", html_text, flags=re.S)
    text = re.sub(r"<(script|style|form|nav)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<(br|/p|/li|/h\d|/dt|/dd|/div)[^>]*>", ". ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\s*(\.\s*){2,}", ". ", text)
    return " ".join(text.split()).strip(" .") + "."


def text_for(viewer, kind: str, item: str) -> str:
    """The words of one thing this person may read. NotFound for anything else, exactly as its page."""
    return text_and_language(viewer, kind, item)[0]


def text_and_language(viewer, kind: str, item: str, page_language: str = "en") -> tuple[str, str]:
    """The words of one thing this person may read, and the language to speak them in: the page's,
    unless the member who wrote a post marked it as written in another (a Welsh post on an English
    page is still read in a Welsh voice, as its lang attribute tells screen readers)."""
    text = _text(viewer, kind, item)
    if kind == "post":
        from app.services import forums

        written_in = forums.get_post(viewer, int(item)).language
        if written_in in VOICES:
            return text, written_in
    return text, page_language


def _text(viewer, kind: str, item: str) -> str:
    loaders = {"post": _post_text, "thread": _thread_text, "meetup": _meetup_text, "notification": _notification_text,
               "help": _help_text}
    if kind not in loaders:
        raise NotFound(_("We cannot find that."))
    if kind != "help" and not item.isdigit():
        raise NotFound(_("We cannot find that."))
    return loaders[kind](viewer, item if kind == "help" else int(item))


def _post_text(viewer, post_id: int) -> str:
    post = forums.get_post(viewer, post_id)
    author = post.author.display_name if post.author else _("A former member")
    return _("%(author)s wrote: %(words)s", author=author, words=plain(post.body_html))


def _thread_text(viewer, thread_id: int) -> str:
    """What the thread page's own Listen reads: its title (each post has a Listen of its own)."""
    thread = forums.get_thread(viewer, thread_id)
    return f"{thread.title}."


def _meetup_text(viewer, meetup_id: int) -> str:
    meetup = db.session.get(Meetup, meetup_id)
    if meetup is None or not meetups.can_see(viewer, meetup):
        raise NotFound(_("We cannot find that meet-up."))
    where = " " + (_("At %(venue)s, %(address)s, %(town)s.", venue=meetup.venue_name, address=meetup.address,
                       town=meetup.town) if meetup.in_person else _("Online."))
    return f"{meetup.title}. {time_range(meetup.starts_at, meetup.ends_at)}.{where} {meetup.description}"


def _notification_text(viewer, notification_id: int) -> str:
    notification = db.session.scalar(sa.select(Notification).where(
        Notification.id == notification_id, Notification.user_id == (viewer.id if is_member(viewer) else None)))
    if notification is None:
        raise NotFound(_("We cannot find that notification."))
    return notification.message


def _help_text(viewer, name: str) -> str:
    if name not in HELP_PAGES:
        raise NotFound(_("We cannot find that page."))
    page = render_template(HELP_PAGES[name])
    main = re.search(r"<main\b[^>]*>(.*)</main>", page, flags=re.S)
    return plain(main.group(1) if main else page)


# ---- Speaking ------------------------------------------------------------------------------------


def _cache_dir() -> Path:
    folder = Path(current_app.config.get("LISTEN_CACHE_DIR") or Path(current_app.instance_path) / "listen")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def voice_for(language: str | None) -> str:
    """espeak-ng's voice for a language code of the site; English for anything else."""
    return VOICES.get(language or "en", VOICE)


def speak(text: str, speed: str = "normal", language: str = "en") -> Spoken:
    """A WAV file of the text, made once per (text, voice, speed) and kept under its hash.

    `language` is the language the words are in (the page's: app.i18n.current_language()). The
    voice is part of the cache key, so the same words in English and in Welsh voices never mix."""
    command = engine()
    if command is None:
        raise NotAvailable(str(NOT_AVAILABLE))
    voice = voice_for(language)
    words_per_minute = SPEEDS.get(speed, SPEEDS["normal"])
    if len(text) > MAX_CHARACTERS:
        text = text[:MAX_CHARACTERS] + ". " + _("The rest is too long to read aloud here; please read it on the page.")
    key = hashlib.sha256(f"{voice}\n{words_per_minute}\n{text}".encode()).hexdigest()
    path = _cache_dir() / f"{key}.wav"
    if not path.exists():
        # Written beside the cache and renamed, so a half-made file is never served. The text goes
        # in on standard input: never on the command line, where it could be read as an option.
        handle, partial = tempfile.mkstemp(dir=path.parent, suffix=".part")
        os.close(handle)
        try:
            subprocess.run([command, "-v", voice, "-s", str(words_per_minute), "-w", partial],
                           input=text.encode(), check=True, capture_output=True, timeout=60)
            os.replace(partial, path)
        except (OSError, subprocess.SubprocessError) as error:
            current_app.logger.warning("espeak-ng failed: %s", error)
            raise NotAvailable(str(NOT_AVAILABLE)) from error
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    return Spoken(path, path.stat().st_size)
