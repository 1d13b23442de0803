"""Example URLs for GET routes with parameters, so the accessibility crawler can visit every page."""
EXAMPLES = {}
NOT_PAGES = set()  # GET endpoints that are not HTML pages (downloads, images)

def example(endpoint):
    def register(make_path):
        EXAMPLES[endpoint] = make_path
        return make_path
    return register


# ---- Profiles, connections, circle of support, data rights ----
# The seeded demo has Alice and Bob connected, with Bob in Alice's circle of support.
from flask import url_for  # noqa: E402


def _cast(handle):
    from app.services import accounts

    return accounts.find_by_email(f"{handle}@example.org")


@example("profiles.show")
def _member_profile():
    return url_for("profiles.show", user_id=_cast("alice").id)


@example("profiles.block")
def _block_confirmation():
    return url_for("profiles.block", user_id=_cast("hope").id)


@example("connections.remove")
def _remove_connection():
    from app.services import connections

    return url_for("connections.remove", connection_id=connections.between(_cast("alice"), _cast("bob")).id)


@example("circle.end")
def _end_circle_link():
    from app.services import circle

    return url_for("circle.end", link_id=circle.link_between(_cast("alice"), _cast("bob")).id)


@example("profiles.photo")
def _profile_photo():
    return url_for("profiles.photo", user_id=_cast("alice").id, name="0" * 32 + ".jpg")


NOT_PAGES.update({"profiles.photo", "settings.download_my_data"})
