"""Demo moderation content: Eve, who causes trouble, a few reports in the queue (one about safety),
a new member's post waiting for approval, a decided case with an appeal, and a paused member."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Appeal, Case, Category, Role, Thread
from app.services import accounts, forums, moderation, watched_words

EVE_EMAIL = "eve@example.org"


def seed_moderation(cast, password: str) -> None:
    watched_words.ensure_built_ins()
    db.session.commit()
    eve = accounts.find_by_email(EVE_EMAIL)
    if eve is not None:
        return  # seeded already
    eve = accounts.register("Eve Stone", EVE_EMAIL, password, Role.CARER, confirmed=True)
    nina = accounts.register("Nina New", "nina@example.org", password, Role.CARER, confirmed=True)
    fun = db.session.scalar(sa.select(Category).where(Category.slug == "just-for-fun"))
    welcome = db.session.scalar(sa.select(Thread).where(Thread.title == "Hello from Alice"))
    if fun is None or welcome is None:
        return
    # Eve has been around a while: her posts do not wait for approval.
    from flask import current_app

    held_rule = current_app.config.get("MODERATION_FIRST_POSTS_HELD")
    current_app.config["MODERATION_FIRST_POSTS_HELD"] = 0
    try:
        _eves_posts(cast, eve, welcome, fun)
    finally:
        current_app.config["MODERATION_FIRST_POSTS_HELD"] = held_rule
    # Bob shared a phone number; Maya published his post without it (Bob could appeal).
    tips = db.session.scalar(sa.select(Thread).where(Thread.title == "Finding time for yourself"))
    if tips is not None:
        shared = forums.reply(cast["bob"], tips, "The carers' centre helped me a lot. Ring Jo there on 01244 496001.").post
        held = db.session.scalar(sa.select(Case).where(Case.content_type == "post", Case.content_id == shared.id))
        if held is not None:
            moderation.act(cast["maya"], held, "edit", "We took out Jo's phone number: please share numbers by private message.",
                           new_text="The carers' centre helped me a lot. Ask for Jo.")
    # A new member's first thread, held for approval (the rule is on in the demo, as in production).
    forums.start_thread(nina, fun, "Hello from Nina", "I have just joined. My dad has dementia and loves jigsaws.")


def _eves_posts(cast, eve, welcome, fun):
    # Reported twice, waiting for a volunteer.
    rude = forums.reply(eve, welcome, "Nobody cares about your cat. This forum is a waste of time.").post
    moderation.report(cast["alice"], "post", rude.id, "unkind", "This upset my mum.")
    moderation.report(cast["bob"], "post", rude.id, "unkind")
    # A safety worry.
    songs = db.session.scalar(sa.select(Thread).where(Thread.title == "Songs that make you smile"))
    if songs is not None:
        worry = forums.reply(eve, songs, "My neighbour keeps shouting at his wife and she never goes out any more.").post
        moderation.report(cast["bob"], "post", worry.id, "safety", "I think someone may be at risk.")
    # A decided case with an appeal waiting, and a pause.
    scam = forums.start_thread(eve, fun, "Easy money", "Message me about a great investment opportunity with guaranteed returns.").thread
    case = db.session.scalar(sa.select(Case).where(Case.content_type == "post", Case.content_id == forums.first_post(scam).id))
    if case is None:
        moderation.report(cast["alice"], "post", forums.first_post(scam).id, "scam")
        case = db.session.scalar(sa.select(Case).where(Case.content_type == "post", Case.content_id == forums.first_post(scam).id))
    if case.status.value != "resolved":
        moderation.act(cast["maya"], case, "silence", "Please do not offer investments here. People may lose money.", days=7, also_hide=True)
    if db.session.scalar(sa.select(Appeal.id).where(Appeal.case_id == case.id)) is None:
        moderation.appeal(eve, case, "It was a real opportunity, I was trying to help.")
