"""Safeguarding: the one check every piece of member writing passes before it is saved. What follows
from the result (hold, report, safety case, alert after commit) is done in one place,
moderation.record_screening, because it opens moderation cases (this module stays below moderation).

screen(author, text, place) returns a Screened result: what to do (publish, hold or block), which
kinds of worry it found (scam, personal_details, crisis), whether to show the writer the support
lines, and the reasons, for moderators. It combines
- personal details found by app/services/personal_details.py (phonenumbers and linear-time rules;
  public helplines and a verified organisation's own numbers are not personal details),
- the learned classifier in app/services/safety_model.py (scam, crisis, personal details),
- the administrators' watched words (app/services/watched_words.py), as rules.

What follows from each kind is decided here, once:
- crisis: the writing is published (unless held for another reason), the writer sees the support
  lines at once, and a safety case with a 2-hour deadline reaches the safeguarding leads;
- scam: held until a volunteer decides (the writer is told gently), an urgent case;
- personal details: held until a volunteer decides, with a sentence saying why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import WatchedWord
from app.services import personal_details, safety_feedback, safety_model, watched_words  # noqa: F401 (registers its eraser)

CRISIS, SCAM, PERSONAL = "crisis", "scam", "personal_details"
KIND_WORDS = {CRISIS: "words of crisis", SCAM: "a likely scam", PERSONAL: "personal details"}

# Where people write. Reports and appeals go only to volunteers: only crisis matters there.
PLACES = {"thread", "reply", "edit", "chat", "direct", "profile", "meetup", "organiser_message",
          "organisation", "report", "appeal", "help_request"}
TO_VOLUNTEERS_ONLY = {"report", "appeal", "help_request"}  # read by volunteers only: never held

SCAM_MESSAGE = watched_words.N_(
    "Thank you. A volunteer will read this before others can see it. We check messages about money, "
    "banks, codes or moving a conversation somewhere private, to keep everyone safe from scams."
)
PERSONAL_DETAILS_MESSAGE = watched_words.PERSONAL_DETAILS_MESSAGE
# Lazy: shown on pages (and sent to chat) in the reader's language; the English stays the data.
SUPPORT_INTRO = _l(watched_words.SAFETY_MESSAGE)
SUPPORT_LINES = [(_l(name), _l(number), link) for name, number, link in watched_words.SUPPORT_LINES]

# Which built-in watched-word detector switches which kind of personal detail on or off.
_DETECTOR_FOR = {"phone number": "phone_number", "email address": "email_address", "bank details": "sort_code",
                 "card number": "card_number"}


@dataclass
class Detection:
    kinds: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)  # watched words that stop the writing
    held_by: list[str] = field(default_factory=list)  # watched words that hold it
    messages: list[str] = field(default_factory=list)  # admins' sentences for the writer
    by_kind: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, reason: str) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)
        if reason not in self.reasons:
            self.reasons.append(reason)
            self.by_kind.setdefault(kind, []).append(reason)


@dataclass
class Rule:
    """A watched word as the detector sees it."""
    label: str
    kind: str  # WatchedKind value
    pattern: str
    action: str  # WatchedAction value
    message: str = ""
    key: str | None = None


def built_in_rules() -> list[Rule]:
    return [Rule(label, kind.value, pattern, action.value, message, key) for key, label, kind, pattern, action, message in watched_words.BUILT_INS]


def detect(text: str, rules: list[Rule] | None = None, *, allowed_numbers: frozenset[str] = frozenset(),
           look_for_personal_details: bool = True) -> Detection:
    """What the text contains, without acting on it. `rules` defaults to the built-in watched words."""
    detection = Detection()
    if not (text or "").strip():
        return detection
    rules = built_in_rules() if rules is None else rules
    detectors_on = {rule.pattern for rule in rules if rule.kind == "detector"}
    if look_for_personal_details:
        for found in personal_details.find(text, allowed_numbers):
            if _DETECTOR_FOR.get(found.kind, "always") in detectors_on | {"always"} or (
                    found.kind == "bank details" and "account_number" in detectors_on):
                detection.add(PERSONAL, f"{found.kind}: {found.text.strip()}")
    masked = personal_details.mask_public_numbers(text, allowed_numbers)
    for kind, score in safety_model.flagged(masked).items():
        if kind == PERSONAL and not (look_for_personal_details and _could_hold_details(masked)):
            continue
        detection.add(kind, f"{KIND_WORDS[kind]} (found by the safety model, score {score:+.2f})")
    forms = (watched_words.fold(text), watched_words.words_form(text), watched_words.digits_form(text))
    for rule in rules:
        if rule.kind == "detector" or not _rule_matches(rule, forms[1]):
            continue
        if rule.action == "block":
            detection.blocked_by.append(rule.label)
            if rule.message:
                detection.messages.append(rule.message)
        elif rule.action == "hold":
            detection.held_by.append(rule.label)
            if rule.message:
                detection.messages.append(rule.message)
        elif rule.action == "report":
            detection.add(SCAM, f"watched words: {rule.label}")
        elif rule.action == "safety":
            detection.add(CRISIS, f"watched words: {rule.label}")
    return detection


# Material a personal detail is made of: a run of digits (a phone, account or card number has 7 or
# more), numbers said in words ("oh seven seven double oh ..."), or an email address however written.
_SPOKEN_DIGITS = re.compile(r"\b(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|double|triple|treble)\b", re.I)
_EMAIL_SHAPED = re.compile(
    r"@|\bdot\s+(?:com|co|org|net|uk)\b|\bat\s+(?:gmail|googlemail|hotmail|yahoo|outlook|live|btinternet|icloud|aol|sky|talktalk)\b", re.I)


def _could_hold_details(text: str) -> bool:
    """The model's personal-details flag counts only where a detail could be: 7 or more digits,
    numbers said in words, or an email address written some way. Words such as "number" or "address"
    alone are not a detail ("Reply number 22", "Note 10"): the detail itself must be there."""
    return (sum(ch.isdigit() for ch in text) >= 7 or len(_SPOKEN_DIGITS.findall(text)) >= 6
            or bool(_EMAIL_SHAPED.search(text)))


def _rule_matches(rule: Rule, words: str) -> bool:
    try:
        return bool(watched_words._compiled(rule.kind, rule.pattern).search(words))
    except re.error:
        return False


@dataclass
class Screened:
    action: str = "publish"  # "publish", "hold" or "block"
    kinds: list[str] = field(default_factory=list)
    support: bool = False  # show the writer the support lines now
    reasons: list[str] = field(default_factory=list)  # for moderators: why
    messages: list[str] = field(default_factory=list)  # for the writer
    held_because: str = ""  # the case summary when held
    held_for_safety: bool = False  # held for what it says (not only for who wrote it)
    by_kind: dict[str, list[str]] = field(default_factory=dict)

    @property
    def held(self) -> bool:
        return self.action == "hold"

    @property
    def blocked(self) -> bool:
        return self.action == "block"

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons)

    def tell(self) -> str:
        """What the writer is told, in one paragraph (without the support lines)."""
        return " ".join(dict.fromkeys(_(m) for m in self.messages if m))  # built-in sentences in the reader's language

    def flags(self) -> list[str]:
        return [kind for kind in (SCAM, PERSONAL, CRISIS) if kind in self.kinds]


def _db_rules() -> list[Rule]:
    watched_words.ensure_built_ins()
    rows = db.session.scalars(sa.select(WatchedWord).where(WatchedWord.enabled.is_(True)).order_by(WatchedWord.id))
    return [Rule(w.label, w.kind.value, w.pattern, w.action.value, w.message or "", w.key) for w in rows]


def judge(detection: Detection, place: str, *, approval: str | None = None) -> Screened:
    """From what was found to what happens. Pure: the CLI and the admin page use it too."""
    result = Screened(kinds=list(detection.kinds), reasons=list(detection.reasons), by_kind=dict(detection.by_kind))
    if detection.blocked_by:
        result.action = "block"
        result.messages = detection.messages or [
            watched_words.N_("Some of the words you used are not allowed on Kindred. Please change them and try again.")]
        return result
    result.support = CRISIS in result.kinds
    if place in TO_VOLUNTEERS_ONLY:
        return result
    why = []
    if SCAM in result.kinds:
        why.append("A likely scam")
        result.messages.append(SCAM_MESSAGE)
    if PERSONAL in result.kinds:
        why.append("Personal details")
        result.messages.append(PERSONAL_DETAILS_MESSAGE)
    if detection.held_by:
        why.append("Watched words: " + ", ".join(detection.held_by))
        result.reasons.append("watched words: " + ", ".join(detection.held_by))
        result.messages.extend(detection.messages)
    result.held_for_safety = bool(why)
    if approval:
        why.append(approval)
    if why:
        result.action = "hold"
        result.held_because = "; ".join(why)
    return result


def screen(author, text: str, place: str, *, approval: str | None = None,
           allowed_numbers: frozenset[str] = frozenset()) -> Screened:
    """The one check before any member writing is saved. `approval` is the place's own reason to hold
    (a new member's first posts, a link from a new member); `allowed_numbers` are numbers the writer
    may share (a verified organisation's own)."""
    assert place in PLACES, place
    detection = detect(text, _db_rules(), allowed_numbers=allowed_numbers,
                       look_for_personal_details=place != "organisation")
    return judge(detection, place, approval=approval)


def judge_text(text: str, rules: list[Rule] | None = None) -> Screened:
    """As an established member replying in an open forum (the CLI and the admin's try-it box)."""
    return judge(detect(text, rules), "reply")


def clip(words: str, limit: int = 300) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def support_sentence() -> str:
    return watched_words.support_sentence()
