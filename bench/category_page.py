"""Print the address of a category's page N (following "Older threads" N-1 times, as a reader
would), so the load test can measure a deep category page: paged by key, it should cost what the
first page costs. Usage: DATABASE_URL=... .venv/bin/python bench/category_page.py SLUG N
"""
import sys

from flask import url_for
from flask_login import AnonymousUserMixin

from app import create_app
from app.services import forums, paging

app = create_app()
slug, wanted = sys.argv[1], int(sys.argv[2])
with app.test_request_context("/"):
    visitor = AnonymousUserMixin()
    category = forums.get_category(visitor, slug)
    position, listing = paging.Position(), None
    for _ in range(wanted):
        listing = forums.thread_list(visitor, category, position)
        if listing.older is None:
            break
        position = paging.Position(paging.OLDER, forums.THREAD_KEY.read(listing.older))
    older = position.key and forums.THREAD_KEY.write(position.key)
    print(url_for("forums.category", slug=slug, older=older) if older else url_for("forums.category", slug=slug))
