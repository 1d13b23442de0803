"""Rows kept between requests in the cache (a member's own, app/kept_members.py; a forum page's
shared part, app/kept_parts.py) made back into objects of the request's database session."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db

# A kept row or part is used only to read pages; anything that changes something asks the database.
READING_METHODS = frozenset({"GET", "HEAD"})


def restored(model, values: dict):
    """An object of `model` made from kept column values, attached to this request's database
    session as if just loaded (what is not kept loads when asked for). If the session holds it
    already (tests run requests in one session), what it has not loaded is filled in instead."""
    sa.orm.configure_mappers()  # at once after the first time; before it, a new object has no attributes
    mapper = sa.inspect(model)
    already = db.session.identity_map.get(mapper.identity_key_from_primary_key(tuple(values[c.key] for c in mapper.primary_key)))
    if already is not None:
        state = sa.inspect(already)
        if state.modified:
            return already
        for name, value in values.items():
            if name in state.expired_attributes or name not in state.dict:
                set_committed_value(already, name, value)
        return already
    made = mapper.class_manager.new_instance()
    for name, value in values.items():
        set_committed_value(made, name, value)
    make_transient_to_detached(made)
    db.session.add(made)
    return made


def column_values(instance, columns: tuple[str, ...]) -> dict:
    """The loaded values of these columns (a column not loaded is left out, and loads when asked for)."""
    loaded = sa.inspect(instance).dict
    return {name: loaded[name] for name in columns if name in loaded}
