"""Demo forum content: the categories from the forums issue and a few friendly threads by the cast."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Audience, Category, Thread
from app.services import forums

CATEGORIES = [
    ("Welcome and introductions", "Say hello and tell us a little about yourself. Everyone can read this.", Audience.EVERYONE, Audience.MEMBERS),
    ("Living with dementia", "Written by people living with dementia. Members can read and reply.", Audience.MEMBERS, Audience.LIVING_WITH_DEMENTIA),
    ("Caring for someone", "A private space for carers to share the good days and the hard ones.", Audience.CARERS, Audience.CARERS),
    ("Tips that help", "Small things that make daily life easier. Everyone can read this.", Audience.EVERYONE, Audience.MEMBERS),
    ("Local news and meet-ups", "What is happening near you: groups, cafés and events.", Audience.EVERYONE, Audience.MEMBERS),
    ("Just for fun", "Music, gardens, pets, memories and jokes.", Audience.MEMBERS, Audience.MEMBERS),
]

THREADS = [
    ("Welcome and introductions", "alice", "Hello from Alice", "Hello everyone. I am Alice. I was told I have dementia last spring. I love my garden and my cat, **Biscuit**.",
     [("bob", "Welcome, Mum! I am Bob, Alice's son. I help her with the computer."),
      ("maya", "Welcome Alice, lovely to meet you. I am Maya, one of the volunteers here. Ask me anything.")]),
    ("Living with dementia", "alice", "Notes on the fridge", "I write notes and put them on the fridge:\n\n- take my tablets\n- feed Biscuit\n- ring Bob on Sunday\n\nIt really helps.",
     [("maya", "What a good idea, Alice. Thank you for sharing it.")]),
    ("Caring for someone", "bob", "Finding time for yourself", "How do other carers find a little time for themselves? I feel guilty when I take a break.",
     []),
    ("Tips that help", "hope", "A clock that shows the day", "Many people find a *day clock* helpful: it shows the day of the week and whether it is morning or afternoon. See [our guide](https://example.org/day-clocks).",
     [("alice", "I have one of these. I would be lost without it.")]),
    ("Local news and meet-ups", "hope", "Memory café every Tuesday", "Our memory café meets every Tuesday, 2pm to 4pm, at the library. Carers come free. There is step-free access and a hearing loop.",
     []),
    ("Just for fun", "bob", "Songs that make you smile", "Which songs always make you smile? Mine is *Here Comes the Sun*.",
     [("alice", "Anything by Vera Lynn!")]),
]


def seed_forums(cast) -> None:
    root = cast["root"]
    categories = {}
    for position, (name, description, read, post) in enumerate(CATEGORIES, start=1):
        category = db.session.scalar(sa.select(Category).where(Category.slug == forums.slugify(name)))
        if category is None:
            category = forums.save_category(root, name, description, position * 10, read, post)
        categories[name] = category
    for category_name, handle, title, body, replies in THREADS:
        category = categories[category_name]
        if db.session.scalar(sa.select(Thread.id).where(Thread.category_id == category.id, Thread.title == title)):
            continue
        thread = forums.start_thread(cast[handle], category, title, body).thread
        for reply_handle, reply_body in replies:
            forums.reply(cast[reply_handle], thread, reply_body)
    welcome = db.session.scalar(sa.select(Thread).where(Thread.title == "Hello from Alice"))
    if welcome is not None and not welcome.is_pinned:
        forums.set_pinned(cast["maya"], welcome, True)
