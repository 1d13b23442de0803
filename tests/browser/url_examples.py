"""Example URLs for GET routes with parameters, so the accessibility crawler can visit every page."""
EXAMPLES = {}
NOT_PAGES = set()  # GET endpoints that are not HTML pages (downloads, images)


def example(endpoint):
    def register(make_path):
        EXAMPLES[endpoint] = make_path
        return make_path
    return register


# ---- Forums (demo content from app/services/forum_demo.py) ----
NOT_PAGES.add("forums.post")  # a permalink: redirects to the thread page that holds the post
def _first_thread():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Thread

    return db.session.scalar(sa.select(Thread).where(Thread.title == "Hello from Alice"))


def _first_reply():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Post

    return db.session.scalar(sa.select(Post).where(Post.thread_id == _first_thread().id, Post.number == 2))


@example("forums.category")
def _category():
    from flask import url_for

    return url_for("forums.category", slug="welcome-and-introductions")


@example("forums.new_thread")
def _new_thread():
    from flask import url_for

    return url_for("forums.new_thread", slug="welcome-and-introductions")


@example("forums.thread")
def _thread():
    from flask import url_for

    return url_for("forums.thread", thread_id=_first_thread().id)


@example("forums.reply")
def _reply():
    from flask import url_for

    return url_for("forums.reply", thread_id=_first_thread().id, quote=_first_reply().id)


@example("forums.post")
def _post():
    from flask import url_for

    return url_for("forums.post", post_id=_first_reply().id)


@example("forums.edit_post")
def _edit_post():
    from flask import url_for

    return url_for("forums.edit_post", post_id=_first_reply().id)


@example("forums.delete_post")
def _delete_post():
    from flask import url_for

    return url_for("forums.delete_post", post_id=_first_reply().id)


@example("forums.deleted")
def _deleted():
    from flask import url_for

    return url_for("forums.deleted", post_id=_first_reply().id)


@example("forums.reactions")
def _reactions():
    from flask import url_for

    return url_for("forums.reactions", post_id=_first_reply().id)


@example("forums.history")
def _history():
    from flask import url_for

    return url_for("forums.history", post_id=_first_reply().id)


@example("forums.admin_category")
def _admin_category():
    import sqlalchemy as sa
    from flask import url_for

    from app.extensions import db
    from app.models import Category

    return url_for("forums.admin_category", category_id=db.session.scalar(sa.select(Category.id).order_by(Category.id)))
