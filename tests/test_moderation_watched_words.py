"""Watched words: realistic messages that should and should not be caught, including spelling and
spacing tricks, and the one screening (services.safety.screen) every kind of writing goes through."""
import pytest

from app.models import WatchedAction, WatchedKind, WatchedWord
from app.services import safety, watched_words
from app.services.watched_words import BUILT_INS, digits_form, fold, words_form


def built_in(key):
    for entry_key, label, kind, pattern, action, message in BUILT_INS:
        if entry_key == key:
            return WatchedWord(key=key, label=label, kind=kind, pattern=pattern, action=action, message=message)
    raise KeyError(key)


def caught(key, text):
    return watched_words.matches(built_in(key), (fold(text), words_form(text), digits_form(text)))


SHOULD_MATCH = {
    "phone_number": [
        "Ring me on 07700 900123 any time",
        "my mobile is 0 7 7 0 0 9 0 0 1 2 3",
        "call +44 7700 900 123",
        "it's 07700-900-123",
        "landline 0161 496 0000 after 6",
        "(0161) 4960000",
        "oh seven seven zero zero nine zero zero one two three",
        "O7700 9OO123",
        "text 0 7 7 0 0. 9 0 0. 1 2 3",
    ],
    "email_address": [
        "email me at jean.smith@example.com",
        "jean smith at gmail dot com",
        "write to jean(at)example(dot)co(dot)uk",
        "JEAN@EXAMPLE.ORG please",
    ],
    "sort_code": ["sort code 20-45-67", "my bank is Lloyds, 30 94 57"],
    "account_number": ["account number 12345678", "acc 1234 5678 sort code 20-45-67"],
    "card_number": ["my card is 4539 1488 0343 6467", "4539-1488-0343-6467 exp 04/27"],
    "money_request": [
        "Could you send me £200 for the electricity?",
        "I need some money urgently, can you lend me 50 pounds",
        "please transfer the funds tonight",
        "can you help me with some money",
        "can you s3nd me m0ney",
    ],
    "gift_cards": ["Please buy me some iTunes cards and send the codes", "just scratch the back and send me the gift card codes"],
    "bank_transfer": ["do a bank transfer to my friend", "send it by Western Union"],
    "investment": ["Bitcoin trading gives guaranteed returns", "a great investment opportunity for you", "double your money in a week"],
    "romance": ["I'm stuck abroad and need money for a flight", "I have to pay a customs fee to release my parcel"],
    "crisis_self": [
        "Some days I just want to die",
        "I feel like hurting myself",
        "there's no point going on",
        "I don't want to be here anymore",
        "honestly I cant go on any more",
        "I keep thinking about ending it all",
        "they would be better off without me",
        "I w4nt to d1e",
    ],
    "crisis_harm": [
        "my husband hits me when he's angry",
        "I am being hurt by my carer",
        "She hurts me and takes my pension",
        "I'm scared of my son",
    ],
    "scam_codes": ["I just need you to read me the code we sent to your phone", "can you tell me your PIN so I can sort it"],
    "scam_private": ["lets chat on WhatsApp instead, it's easier", "email me privately and don't tell your son"],
    "scam_alone": ["what time are you home on your own?", "what's your address, I'll pop round"],
    "scam_impersonation": ["This is Martin from the fraud team at Lloyds, we need to move your money to a safe account",
                           "hi mum its me, dropped my phone so this is my new number"],
    "crisis_signs": ["I've saved up my tablets, I know what to do", "I don't know where I am and it's getting dark",
                     "he pushed me against the door", "my son takes my pension every week", "everyone would be better off"],
}

SHOULD_NOT_MATCH = {
    "phone_number": [
        "We meet on 12/03/2024 at 10:30",
        "It's 3 miles from the station, about 15 minutes",
        "Tickets are £7.50, or £12 for two",
        "Mum was born in 1948 and dad in 1946",
        "The café opens 10 till 2, Tuesday 4 March 2025",
        "Room 101, 2nd floor",
        "I gave her 2 tablets at 8 and 2 at 20:00",
        "The Dementia Connect support line is in the footer",
    ],
    "email_address": ["I'll be at the café at ten", "meet at the library, dot on 2pm", "we had a lovely time at home"],
    "sort_code": ["on 12-03-24 we went to the seaside", "score was 10 20 30"],
    "account_number": ["I have an account with the library, member since 2019", "my bank holiday plans"],
    "card_number": ["reference 1234567890123", "the year 2024 and 2025"],
    "money_request": [
        "Please don't send money to anyone you meet online",
        "I need to save money on heating, any tips?",
        "Attendance Allowance gives you money each week",
        "We paid £5 for the coffee morning",
    ],
    "gift_cards": ["I gave my grandson a gift card for his birthday", "Amazon delivered the cards today"],
    "bank_transfer": ["The bank was helpful when I transferred mum's account to a joint one"],
    "investment": ["Dad used to invest in his garden", "I returned the book"],
    "romance": ["We went abroad last summer", "Our flight was delayed but we had fun"],
    "crisis_self": [
        "I'm dying to meet you all at the café",
        "My knees hurt when I walk",
        "I cut my finger making soup",
        "There's no point rushing, take your time",
        "I want to dye my hair purple",
        "Mum's friend died last week, we are sad",
        "I'm going to the shops",
    ],
    "crisis_harm": [
        "It hurts me to see mum like this",
        "He hit the ball over the fence",
        "my daughter helps me every day",
        "She beat me at Scrabble again!",
    ],
    "scam_codes": ["Never give your PIN to anyone who rings you", "the bank will never ask for your password"],
    "scam_private": ["my daughter set up a WhatsApp group for the family", "I saw it on WhatsApp"],
    "scam_alone": ["I'm home alone on Tuesdays now and I quite like it", "Where do you find the best biscuits?"],
    "scam_impersonation": ["a volunteer from the bank came to talk about scams", "we got a call from the GP surgery about mum's flu jab"],
    "crisis_signs": ["mum had a fall last year but she's fine now", "I keep my tablets in a dosette box", "my grandson beats me at chess"],
}


@pytest.mark.parametrize("key,text", [(k, t) for k, texts in SHOULD_MATCH.items() for t in texts])
def test_realistic_messages_are_caught(key, text):
    assert caught(key, text), f"{key} should catch: {text!r}"


@pytest.mark.parametrize("key,text", [(k, t) for k, texts in SHOULD_NOT_MATCH.items() for t in texts])
def test_ordinary_messages_are_not_caught(key, text):
    assert not caught(key, text), f"{key} should not catch: {text!r}"


def test_every_built_in_has_examples_both_ways():
    keys = {entry[0] for entry in BUILT_INS}
    assert keys == set(SHOULD_MATCH) == set(SHOULD_NOT_MATCH)


def test_digits_between_spaces_and_number_words_are_joined():
    assert "07700900123" in digits_form("0 7 7 0 0  9 0 0 - 1 2 3")
    assert "07700900123" in digits_form("zero seven seven zero zero nine zero zero one two three")
    assert words_form("Don’t send M0NEY!!") == " dont send money "
    assert words_form("café at 3pm for £5") == " cafe at 3pm for £5 "


def test_a_word_entry_matches_whole_words_after_normalising(app, root):
    watched_words.save(root, label="Miracle cure", pattern="miracle cure", kind="word", action="block",
                       message="Please do not promise cures. Talk about what helped you instead.")
    screened = safety.screen(None, "This M1RACLE   cure fixed my dad's memory", "reply")
    assert screened.blocked and screened.messages == ["Please do not promise cures. Talk about what helped you instead."]
    assert not safety.screen(None, "miracles happen, we cured the ham", "reply").blocked


def test_screening_combines_the_worries_it_finds(app):
    screened = safety.screen(None, "I want to die. Ring me on 07700 900123", "reply")
    assert screened.held and screened.support
    assert watched_words.PERSONAL_DETAILS_MESSAGE in screened.messages
    scam = safety.screen(None, "Can you send me £300 by bank transfer?", "reply")
    assert scam.held and safety.SCAM in scam.kinds and safety.SCAM_MESSAGE in scam.messages and not scam.support
    assert safety.screen(None, "Lovely afternoon at the memory café", "reply").action == "publish"


def test_built_ins_are_on_by_default_and_added_once(app):
    watched_words.ensure_built_ins()
    watched_words.ensure_built_ins()
    entries = watched_words.all_entries()
    assert len([e for e in entries if e.built_in]) == len(BUILT_INS)
    assert all(e.enabled for e in entries)


def test_turning_a_built_in_off_stops_it_and_it_cannot_be_deleted(app, root):
    assert any(reason.startswith("phone number") for reason in safety.screen(None, "07700 900123", "reply").reasons)
    phone = next(e for e in watched_words.all_entries() if e.key == "phone_number")
    watched_words.save(root, label="", pattern="", kind=phone.kind, action=phone.action, message="", enabled=False, entry=phone)
    # The phone-number rule no longer finds it (the learned model may still flag a bare number).
    assert not any(reason.startswith("phone number") for reason in safety.screen(None, "07700 900123", "reply").reasons)
    with pytest.raises(watched_words.NotAllowed):
        watched_words.remove(root, phone)
    assert phone.enabled is False and phone.kind == WatchedKind.DETECTOR and phone.action == WatchedAction.HOLD
