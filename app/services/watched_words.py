"""Watched words: the administrators' list of words and detectors (posts, thread titles, profile
text, meet-up descriptions, organisers' messages, chat), and the text forms they are matched
against. services.safety.screen reads the list as rules: it is the one check every piece of member
writing passes through.

Text is normalised before matching so that simple tricks do not get past: case and accents are
folded, l33t letters in words become letters ("m0ney" -> "money"), and in the digits form spaces,
dots, dashes and brackets between digits disappear and number words become digits, so
"0 7 7 0 0 - 9 0 0 1 2 3" and "oh seven seven ..." are both a phone number. Ordinary numbers
(dates, times, "3 miles", prices) do not look like phone, card or bank numbers: those need the
right length and prefix, a Luhn check, or a word such as "account" nearby.

Built-in entries are added by ensure_built_ins() the first time they are needed (idempotent, keyed):
they are on in every database from the start, and admins can turn them off but not delete them.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import WatchedAction, WatchedKind, WatchedWord
from app.permissions import is_admin
from app.services import audit
from app.services.errors import Invalid, NotAllowed


def N_(text: str) -> str:
    """Marks an English sentence for translation (extraction) while keeping it English here: these are
    stored as built-in data; they are translated where they are shown (_(sentence))."""
    return text


SUPPORT_LINES = [
    (N_("Samaritans, any time, day or night"), "116 123", "tel:116123"),
    (N_("Alzheimer's Society Dementia Connect support line"), "0333 150 3456", "tel:+443331503456"),
    (N_("If you are in danger now"), N_("call 999"), "tel:999"),
]

# Told to the author when the text is held back; gentle, and says what to do instead.
PERSONAL_DETAILS_MESSAGE = N_(
    "It looks like your writing includes a phone number, email address, bank or card details. "
    "To keep everyone safe from scams, a volunteer will check it before others can see it. "
    "If you want to swap contact details with someone, send them a connection request instead."
)
SCAM_MESSAGE = ""  # reported quietly: the author is not told
SAFETY_MESSAGE = N_(
    "It sounds like things are very hard at the moment. You are not alone. "
    "A member of our safeguarding team will read what you wrote. You can talk to someone now:"
)

def support_sentence() -> str:
    """The support lines in one sentence, for a flashed message after writing words of crisis."""
    lines = "; ".join(f"{_(name)}: {_(number)}" for name, number, _link in SUPPORT_LINES)
    return f"{_(SAFETY_MESSAGE)} {lines}."


# ---- Normalising ------------------------------------------------------------------------------

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_NUMBER_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def fold(text: str) -> str:
    """Lower case, accents removed, curly quotes made plain."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("’", "'").replace("‘", "'")


def words_form(text: str) -> str:
    """For word patterns: l33t letters inside words become letters, apostrophes go ("don't" ->
    "dont"), every other run of punctuation or space becomes one space. £ and @ are kept."""
    text = fold(text).replace("'", "")
    tokens = []
    for token in re.split(r"\s+", text):
        if re.search(r"[a-z]", token) and re.search(r"[0-9@$]", token) and not re.fullmatch(r"[£$]?\d+[a-z]{0,3}", token):
            token = token.translate(_LEET)  # "m0ney", "g1ft" -- but not "3pm", "10am", "£50"
        tokens.append(token)
    text = " ".join(tokens)
    text = re.sub(r"[^a-z0-9£@\s]+", " ", text)
    return " " + " ".join(text.split()) + " "


def digits_form(text: str) -> str:
    """For numbers: number words become digits, a letter O between digits becomes 0, and spaces,
    dots, dashes and brackets between digits disappear."""
    text = fold(text)
    text = _NUMBER_WORD_RE.sub(lambda m: _NUMBER_WORDS[m.group(1)], text)
    # A letter O typed for a zero: only inside a run of digits ("O7700", "9OO123"), never in words.
    text = re.sub(r"\b[0-9o]*\d[0-9o]*\b", lambda m: m.group(0).replace("o", "0"), text)
    text = re.sub(r"(?<=\d)[\s\-.()]+(?=[\d(])", "", text)
    text = re.sub(r"\(\s*(?=\d)", "", text)
    return text


# ---- Built-in detectors -------------------------------------------------------------------------


def _luhn(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


_PHONE = re.compile(r"(?<![\d£$])(?:\+44|0044|44(?=7)|0)(?:7\d{9}|[1-3]\d{8,9}|8\d{8,9}|9\d{9})(?!\d)")
_EMAIL = re.compile(
    r"[a-z0-9._%+-]+\s*(?:@|\(at\)|\[at\]|\{at\}|\s+at\s+)\s*[a-z0-9-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[a-z0-9-]+)*"
    r"\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*(?:com|org|net|co\s*(?:\.|dot)\s*uk|uk|org\s*(?:\.|dot)\s*uk|info|me|io)\b"
)
_EMAIL_PLAIN = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_SORT_CODE = re.compile(r"(?<!\d)\d{2}[-\s]\d{2}[-\s]\d{2}(?![-\s]?\d)")
_ACCOUNT_WORDS = re.compile(r"\b(?:account|acct|acc|a/c)\b|\bsort\s*code\b|\bbank\b")
_EIGHT_DIGITS = re.compile(r"(?<!\d)\d{8}(?!\d)")
_CARD = re.compile(r"(?<!\d)\d{13,19}(?!\d)")


def _phone(folded: str, digits: str) -> bool:
    return bool(_PHONE.search(digits.replace(" ", "")) or _PHONE.search(digits))


def _email(folded: str, digits: str) -> bool:
    return bool(_EMAIL_PLAIN.search(folded) or _EMAIL.search(folded))


def _sort_code(folded: str, digits: str) -> bool:
    return bool(_SORT_CODE.search(folded) and re.search(r"\bsort\s*code\b|\bbank\b|\baccount\b", folded))


def _account_number(folded: str, digits: str) -> bool:
    return bool(_ACCOUNT_WORDS.search(folded) and _EIGHT_DIGITS.search(digits))


def _card(folded: str, digits: str) -> bool:
    return any(_luhn(match) for match in _CARD.findall(digits))


DETECTORS = {
    "phone_number": _phone,
    "email_address": _email,
    "sort_code": _sort_code,
    "account_number": _account_number,
    "card_number": _card,
}

# ---- The built-in list ---------------------------------------------------------------------------

_MONEY = r"(?:money|cash|£\s?\d[\d,]*|\d+ (?:pounds|quid)|funds)"
BUILT_INS = [
    # key, label, kind, pattern, action, message
    ("phone_number", "Phone numbers", WatchedKind.DETECTOR, "phone_number", WatchedAction.HOLD, PERSONAL_DETAILS_MESSAGE),
    ("email_address", "Email addresses", WatchedKind.DETECTOR, "email_address", WatchedAction.HOLD, PERSONAL_DETAILS_MESSAGE),
    ("sort_code", "UK bank sort codes", WatchedKind.DETECTOR, "sort_code", WatchedAction.HOLD, PERSONAL_DETAILS_MESSAGE),
    ("account_number", "Bank account numbers", WatchedKind.DETECTOR, "account_number", WatchedAction.HOLD, PERSONAL_DETAILS_MESSAGE),
    ("card_number", "Card numbers", WatchedKind.DETECTOR, "card_number", WatchedAction.HOLD, PERSONAL_DETAILS_MESSAGE),
    (
        "money_request", "Asking for money", WatchedKind.REGEX,
        rf"\b(?:send|lend|loan|give|transfer|wire|pay)\b (?:me|us|my \w+)(?: \w+){{0,3}} {_MONEY}"
        rf"|\b(?:need|borrow)\b (?:some |a little |the )?{_MONEY}(?: \w+){{0,4}} (?:urgently|asap|today|tonight|now|can you|could you)\b"
        rf"|\bcan you (?:help me )?(?:with )?(?:some )?{_MONEY}|\btransfer the (?:funds|money)\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "gift_cards", "Gift cards and vouchers as payment", WatchedKind.REGEX,
        r"\b(?:buy|send|get|pay|purchase)\b(?: \w+){0,4} (?:gift ?cards?|itunes|google play|steam|amazon) (?:cards?|vouchers?|codes?)?"
        r"|\b(?:gift ?card|voucher) (?:codes?|numbers?)\b|\bscratch (?:off )?the back\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "bank_transfer", "Bank transfers and money services", WatchedKind.REGEX,
        r"\b(?:bank transfer|western union|moneygram|money gram|wire transfer|paypal me|send it to my account|my bank details)\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "investment", "Investment scams", WatchedKind.REGEX,
        r"\b(?:bitcoin|crypto ?currency|crypto|forex|binary options?)\b(?: \w+){0,6} (?:invest|profit|returns?|trading|double)"
        r"|\binvest(?:ment)? opportunity\b|\bguaranteed (?:returns?|profits?|income)\b|\bdouble your money\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "romance", "Romance scams", WatchedKind.REGEX,
        r"\b(?:stuck|stranded) (?:abroad|overseas|at the airport)\b|\bcustoms (?:fee|charge)s?\b"
        r"|\b(?:oil rig|peacekeeping mission)\b|\bmoney for (?:a |my |the )?(?:flight|plane ticket|visa|hospital bill)s?\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "crisis_self", "Words of crisis: wanting to die or self-harm", WatchedKind.REGEX,
        r"\b(?:want|wanna|wanting|going|ready) to (?:die|end it|end it all|end my life|kill myself)\b"
        r"|\bwish i (?:was|were) dead\b|\bkill(?:ing)? myself\b(?! laughing)|\bend(?:ing)? (?:it all|my life)\b|\bsuicid(?:e|al)\b"
        r"|\b(?:hurt|harm|cut)(?:ing)? myself\b|\bself ?harm(?:ing)?\b"
        r"|\bno (?:point|reason) (?:in )?(?:going on|carrying on|living|being here|to live|to go on)\b"
        r"|\b(?:dont|do not) want to (?:be here|live|go on|wake up)(?: any ?more)?\b|\bbetter off (?:dead|without me)\b"
        r"|\bcant (?:go on|cope) any ?more\b",
        WatchedAction.SAFETY, SAFETY_MESSAGE,
    ),
    (
        "crisis_harm", "Words of crisis: being hurt by someone", WatchedKind.REGEX,
        r"\b(?:he|she|they|my (?:husband|wife|partner|son|daughter|carer|brother|sister|neighbour|grandson|granddaughter))"
        r" (?:hits|beats|slaps|slapped|kicks|kicked|pushes|shoves|punches|punched|threatens|threatened|hurts|is hurting|has been hurting|keeps hurting) me\b(?! at )"
        r"|\bbeing (?:hurt|hit|abused|beaten) by\b|\b(?:im|i am) (?:scared|afraid|frightened) of (?:him|her|them|my \w+)\b"
        r"|\btakes? (?:all )?my (?:money|pension|bank card) and\b",
        WatchedAction.SAFETY, SAFETY_MESSAGE,
    ),
]


# Signs the issue list names that phrase lists missed: asked for codes and passwords, moved somewhere
# private, asked when someone is alone; and the quieter words of crisis (tablets saved up, lost,
# pushed, money taken, a fall, not eating). Bounded gaps only ({0,n}), so they stay linear.
BUILT_INS += [
    (
        "scam_codes", "Asking for codes, PINs or passwords", WatchedKind.REGEX,
        r"(?<!never )(?<!not )(?<!dont )\b(?:read me|tell me|give me|send me|text me|confirm|i need|i just need|we need)\b(?: \w+){0,5} (?:the |your |that |my )?(?:pin|pin number|password|passcode"
        r"|one time (?:code|passcode|password)|security code|verification code|6 digit code|code (?:we|they|i) (?:sent|send|texted))\b"
        r"|\b(?:the long (?:card )?number|3 digits on the back)\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "scam_private", "Moving the conversation somewhere private", WatchedKind.REGEX,
        r"\b(?:lets|let us|we can|we could|shall we|can we|come|move|talk|chat|message me|text me|add me|find me)\b(?: \w+){0,3} "
        r"(?:on|to|over on|via) (?:whatsapp|telegram|signal|hangouts|google chat|viber|kik|snapchat)\b"
        r"|\b(?:email|e mail|message|text|ring|call|whatsapp) me (?:privately|in private|direct|directly|off (?:here|the forum|site))\b"
        r"|\bdont tell (?:anyone|your (?:son|daughter|family|kids|carer)|the moderators)\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "scam_alone", "Asking when someone is alone or where they live", WatchedKind.REGEX,
        r"\b(?:when|what time|what days?) (?:are|is|will) (?:you|your \w+) (?:home )?(?:on your own|alone|by yourself|in on your own)\b"
        r"|\bwhats your (?:home )?address\b|\bwhere (?:exactly )?do you live\b|\bwhat is your (?:home )?address\b",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "scam_impersonation", "Pretending to be a bank, HMRC, the NHS, the police or family in trouble", WatchedKind.REGEX,
        r"\b(?:this is \w+|calling from|im \w+ from|im from|i am from|we are from) (?:\w+ ){0,3}(?:fraud team|fraud department|security team|hmrc|tax office"
        r"|police|bank|nhs|dwp|microsoft|bt|amazon|royal mail)\b(?: \w+){0,20} (?:pay|payment|transfer|fee|fine|refund|account|code|card|cash)\b"
        r"|\b(?:hi|hello|hey) (?:mum|mam|dad|nan|nana|gran|grandma|grandad) (?:its|this is) (?:me|\w+)\b(?: \w+){0,12} (?:new number|lost my phone|broke my phone|dropped my phone)\b"
        r"|\b(?:move|transfer|put) (?:your|the|all your) (?:money|savings) (?:in|into|to) (?:a|the) safe account\b(?! scam)",
        WatchedAction.REPORT, SCAM_MESSAGE,
    ),
    (
        "crisis_signs", "Words of crisis: danger, being lost, being hurt or neglected", WatchedKind.REGEX,
        r"\b(?:saved|saving|stockpiled|stockpiling|kept|keeping|hoarding) (?:up )?(?:my|all my|all the|his|her) (?:tablets|pills|medication|meds)\b"
        r"|\b(?:dont|do not) know where i am\b|\bi (?:am|m) lost\b|\bcant find my way home\b"
        r"|\b(?:he|she|they|my \w+) (?:pushed|grabbed|shook|locked|hit|slapped|threw) me\b|\b(?:locks|locked) me (?:in|out)\b"
        r"|\b(?:takes?|took|taking|has taken|keeps) (?:all )?my (?:pension|money|bank card|benefits|savings)\b"
        r"|\b(?:i (?:have )?had|ive had|i just had) a fall\b|\b(?:fallen|fell) (?:over |down )?and (?:cant|couldnt) get up\b|\bon the floor (?:since|for|all)\b"
        r"|\b(?:not|havent|hasnt|not been) eat(?:en|ing)(?: \w+){0,3} (?:for|in) (?:days|a week|\d+ days)\b"
        r"|\beveryone would be better off\b|\bbetter off without me\b|\bno point (?:anymore|any more)\b|\bwont be around\b"
        r"|\bnot (?:safe|safe at home)\b(?: \w+){0,3} (?:with him|with her|here)\b|\bgoodbye (?:everyone|all)\b",
        WatchedAction.SAFETY, SAFETY_MESSAGE,
    ),
]


def ensure_built_ins() -> None:
    """Add any built-in entry that is missing (never changes one an admin turned off). Safe to call often."""
    have = set(db.session.scalars(sa.select(WatchedWord.key).where(WatchedWord.key.is_not(None))))
    missing = [entry for entry in BUILT_INS if entry[0] not in have]
    if not missing:
        return
    try:
        with db.session.begin_nested():
            for key, label, kind, pattern, action, message in missing:
                db.session.add(WatchedWord(key=key, label=label, kind=kind, pattern=pattern, action=action,
                                           message=message, built_in=True, enabled=True))
    except IntegrityError:  # another process added them at the same moment
        pass


# ---- Checking ------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _compiled(kind: str, pattern: str):
    if kind == WatchedKind.WORD.value:
        phrase = words_form(pattern).strip()
        return re.compile(r"(?<![a-z0-9])" + r"\s+".join(re.escape(part) for part in phrase.split()) + r"(?![a-z0-9])")
    return re.compile(pattern)


def matches(word: WatchedWord, texts: tuple[str, str, str]) -> bool:
    folded, words, digits = texts
    if word.kind == WatchedKind.DETECTOR:
        detector = DETECTORS.get(word.pattern)
        return bool(detector and detector(folded, digits))
    try:
        return bool(_compiled(word.kind.value, word.pattern).search(words))
    except re.error:
        return False


# ---- Managing the list (administrators) ----------------------------------------------------------


def all_entries() -> list[WatchedWord]:
    ensure_built_ins()
    db.session.commit()
    return list(db.session.scalars(sa.select(WatchedWord).order_by(WatchedWord.built_in.desc(), WatchedWord.label)))


def save(admin, *, label: str, pattern: str, kind, action, message: str, enabled: bool = True,
         entry: WatchedWord | None = None) -> WatchedWord:
    if not is_admin(admin):
        raise NotAllowed(_("Only an administrator can change the watched words."))
    label = " ".join((label or "").split())
    message = (message or "").strip()
    if entry is not None and entry.built_in:
        # Built-ins: only turning on or off and the message to the author can change.
        entry.enabled = enabled
        if message:
            entry.message = message
        audit.record(admin, "update_watched_word", entry, f"{entry.label}: {'on' if enabled else 'off'}")
        db.session.commit()
        return entry
    pattern = (pattern or "").strip()
    kind, action = WatchedKind(kind), WatchedAction(action)
    if kind == WatchedKind.DETECTOR:
        raise Invalid(_("Choose a word or phrase, or a pattern."), field="kind")
    if not pattern:
        raise Invalid(_("Write the word, phrase or pattern to watch for."), field="pattern")
    if kind == WatchedKind.REGEX:
        try:
            re.compile(pattern)
        except re.error as error:
            raise Invalid(_("That pattern does not work (%(error)s). Check the brackets and backslashes.", error=error), field="pattern")
    if action == WatchedAction.BLOCK and not message:
        raise Invalid(_("Write the sentence the author will see when their writing is stopped."), field="message")
    created = entry is None
    if created:
        entry = WatchedWord(built_in=False)
        db.session.add(entry)
    entry.label = label or pattern[:120]
    entry.pattern, entry.kind, entry.action, entry.message, entry.enabled = pattern, kind, action, message, enabled
    db.session.flush()
    audit.record(admin, "add_watched_word" if created else "update_watched_word", entry, f"{entry.label} ({action.value})")
    db.session.commit()
    return entry


def remove(admin, entry: WatchedWord) -> None:
    if not is_admin(admin):
        raise NotAllowed(_("Only an administrator can change the watched words."))
    if entry.built_in:
        raise NotAllowed(_("Built-in watched words cannot be deleted. You can turn them off instead."))
    audit.record(admin, "remove_watched_word", entry, entry.label)
    db.session.delete(entry)
    db.session.commit()
