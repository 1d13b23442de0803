"""Rows kept between requests in the cache (a member's own, app/kept_members.py; a forum page's
shared part, app/kept_parts.py) made back into objects of the request's database session."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from app.extensions import db

# A kept row or part is used only to read pages; anything that changes something asks the database.
READING_METHODS = frozenset({"GET", "HEAD"})

_mappers_configured = False


def restored(model, values: dict):
    """An object of `model` made from kept column values, attached to this request's database
    session as if just loaded (what is not kept loads when asked for). If the session holds it
    already (tests run requests in one session), what it has not loaded is filled in instead."""
    global _mappers_configured
    if not _mappers_configured:  # before it, a new object has no attributes (checking again cost 1.5% of a member's page)
        sa.orm.configure_mappers()
        _mappers_configured = True
    session = db.session()  # the request's own, looked up once
    mapper = sa.inspect(model)
    already = session.identity_map.get(mapper.identity_key_from_primary_key(tuple(values[c.key] for c in mapper.primary_key)))
    if already is not None:
        state = sa.inspect(already)
        if state.modified:
            return already
        for name, value in values.items():
            if name in state.expired_attributes or name not in state.dict:
                set_committed_value(already, name, value)
        return already
    if not values.keys() <= _column_names(mapper):  # kept by another release (set_committed_value would refuse it too)
        raise KeyError(f"{model.__name__} has no columns {sorted(values.keys() - _column_names(mapper))}")
    made = mapper.class_manager.new_instance()
    # What set_committed_value does for each column of an object nothing has touched yet, at once
    # (a member's row has 30 columns: this halved the 80 microseconds every member request spent here).
    instance_state(made).dict.update(values)
    make_transient_to_detached(made)  # loaded, with what was not kept expired: it loads when asked for
    session.add(made)
    return made


@functools.cache
def _column_names(mapper) -> frozenset[str]:
    return frozenset(attribute.key for attribute in mapper.column_attrs)


def column_values(instance, columns: tuple[str, ...]) -> dict:
    """The loaded values of these columns (a column not loaded is left out, and loads when asked for)."""
    loaded = sa.inspect(instance).dict
    return {name: loaded[name] for name in columns if name in loaded}
