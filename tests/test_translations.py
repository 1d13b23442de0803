"""Every sentence Kindred can show has a Welsh translation, and every translation keeps the
placeholders of its English (a missing %(name)s would show the wrong words; an extra one, an error)."""
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.helpers import page_text

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _strings_in_the_code():
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    # Babel skips folders whose names start with "_" unless told: templates/_macros and _partials count.
    for filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=lambda path: not Path(path).name.startswith(".") and Path(path).name != "node_modules"
    ):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        if msgid:
            found.setdefault((context, msgid), filename)
    return found


def _welsh():
    with (ROOT / "app/translations/cy/LC_MESSAGES/messages.po").open("rb") as po:
        return read_po(po, locale="cy")


def test_every_string_in_the_code_has_a_welsh_translation():
    welsh = _welsh()
    missing = []
    for (context, msgid), filename in sorted(_strings_in_the_code().items(), key=lambda item: item[1]):
        entry = welsh.get(msgid, context)
        strings = entry.string if entry is not None and isinstance(entry.string, (list, tuple)) else [entry.string if entry else ""]
        if entry is None or not all(strings) or "fuzzy" in entry.flags:
            missing.append(f"{filename}: {msgid!r}")
    assert not missing, f"{len(missing)} strings have no Welsh translation (make translations-update, then translate):\n" + "\n".join(missing[:200])


def test_welsh_translations_keep_the_placeholders_of_the_english():
    wrong = []
    for entry in _welsh():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, (list, tuple)) else [entry.id]
        strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in filter(None, strings):
            # A plural form may leave out the number ("un peth"), never add a name the English lacks.
            used = set(PLACEHOLDER.findall(string))
            if used - wanted or (wanted - used - {"num"}):
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "Welsh translations whose placeholders differ from the English:\n" + "\n".join(wrong)


def test_wtforms_own_messages_come_in_welsh_on_a_welsh_page(client):
    """The few checks that use WTForms' own words (a password of more than 1,000 characters) speak
    Welsh too, from WTForms' Welsh catalogue."""
    client.set_cookie("kindred_language", "cy")
    response = client.post("/register", data={"display_name": "Gwen Parry", "email": "gwen@example.org",
                                                "password": "x" * 1001, "role": "carer"})
    assert "Ni all Maes fod yn" in page_text(response)
    assert "cannot be longer" not in page_text(response)
