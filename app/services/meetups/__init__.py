"""Meet-ups: listing (a stepped draft), moderation, places and waiting lists, changes, reminders.

Callers write `from app.services import meetups` and `meetups.rsvp(...)`; this package re-exports
what they use. Where things are:

- steps: the stepped form's checks, clean_step (_clean_what, _clean_when, _clean_where, _clean_who)
  and check_all, with STEPS and the limits.
- listing: the draft that keeps the answers on the server, finish_draft, will_publish.
- series: repeating meet-ups: their dates (repeat_dates), repeat_words, series_heading, the other dates.
- finding: the filters and finding upcoming and past meet-ups.
- going: places and the waiting list (rsvp, leave, going_list), a member's own meet-ups, and the
  places given up when an account is erased (registered with my_data when the package is imported).
- organising: changing and cancelling a date, messaging everyone going, an organiser's listings.
- reminders: the morning and day-before reminders.
- moderating: approving meet-ups, and the meet-up moderation content kind (registered when the
  package is imported).
- telling: the one way meet-ups tell someone something, and the words for when and where.
- common: what several of them share (ACCESS_KEYS, MEETUP_FIELDS, can_see, organisations_of).

Who organises a meet-up and who has a place are facts (app.facts), re-exported here.
"""
from app.facts import is_organiser, rsvp_for
from app.services.meetups.common import can_see, organisations_of
from app.services.meetups.finding import PAST_KEY, UPCOMING_KEY, Filters, find_past, find_upcoming
from app.services.meetups.going import (  # importing going registers the my_data eraser
    MAX_COMPANIONS,
    going_list,
    leave,
    my_meetups,
    people_i_help,
    rsvp,
    waiting_position,
)
from app.services.meetups.listing import (
    answers_from,
    draft_for_change,
    finish_draft,
    organisation_of,
    save_answers,
    start_draft,
    unfinished_draft,
    will_publish,
)
from app.services.meetups.moderating import awaiting_approval, decide  # importing moderating registers the content kind
from app.services.meetups.organising import MESSAGE_LIMIT, cancel, change, message_everyone, my_listings
from app.services.meetups.reminders import reminder_due, send_reminders
from app.services.meetups.series import (
    repeat_dates,
    repeat_words,
    series_dates,
    series_heading,
    upcoming_in_series,
)
from app.services.meetups.steps import DESCRIPTION_LIMIT, STEP_COUNT, STEPS, check_all, clean_step

__all__ = [
    "DESCRIPTION_LIMIT", "MAX_COMPANIONS", "MESSAGE_LIMIT", "STEP_COUNT", "STEPS", "Filters", "answers_from",
    "awaiting_approval", "can_see", "cancel", "change", "check_all", "clean_step", "decide",
    "PAST_KEY", "UPCOMING_KEY", "draft_for_change", "find_past", "find_upcoming", "finish_draft", "going_list", "is_organiser", "leave",
    "message_everyone", "my_listings", "my_meetups", "organisation_of", "organisations_of", "people_i_help",
    "reminder_due", "repeat_dates", "repeat_words", "rsvp", "rsvp_for", "save_answers", "send_reminders",
    "series_dates", "series_heading", "start_draft", "unfinished_draft", "upcoming_in_series",
    "waiting_position", "will_publish",
]
