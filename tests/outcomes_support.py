"""A known town for the outcomes stories: people who join, meet, come back, talk and check in,
at fixed moments in early 2026 (each step inside time_machine, so every date is known)."""
from dataclasses import dataclass, field

import time_machine

from app.models import Audience, Outcome, ReportReason, Role
from app.services import accounts, checkins, connections, forums, meetups, moderation
from tests.helpers import CAST_PASSWORD
from tests.meetups_support import hope_dementia_care, list_meetup

VIEWED_ON = "2026-04-15 10:00:00+00:00"  # so January to March 2026 are finished months


def at(moment: str):
    return time_machine.travel(moment, tick=False)


def people(count: int, role: Role, joined: str, name: str) -> list:
    with at(joined):
        return [
            accounts.register(f"{name} {n}", f"{name.lower()}{n}@example.org", CAST_PASSWORD, role, confirmed=True)
            for n in range(1, count + 1)
        ]


def meetup_on(author, organisation, day: str, postcode: str = "ch1 1aa", listed: str = "2026-01-05 09:00:00+00:00"):
    with at(listed):
        return list_meetup(author, organisation, date=day, postcode=postcode)


def take_places(members, meetup, when: str = "2026-01-06 09:00:00+00:00", companions: int = 0):
    with at(when):
        for member in members:
            meetups.rsvp(member, meetup, companions=companions)


def check_in(member, when: str, lonely: int):
    with at(when):
        checkins.choose(member, True)
        checkins.start(member)
        checkins.answer(member, 1, lonely)
        for number in (2, 3, 4):
            checkins.answer(member, number, 2)


@dataclass
class Town:
    organisation: object
    carers: list
    people_with_dementia: list
    volunteers: list
    february: object
    march: object
    wirral: object
    threads: list = field(default_factory=list)


def chester_town(root, hope, maya) -> Town:
    """Seven carers (each bringing a companion) and five people living with dementia join on
    1 February 2026 and meet in Chester (CH1) on 10 February; two with dementia give up their
    places after the reminder; six come back on 10 March. Two volunteers join and meet on the
    Wirral. Five pairs connect in March. The five with dementia each start a thread; four get a
    reply after 3 hours, one after 1 hour. Ten posts are reported; root decides five within
    the hour and five the next day. Six answer two check-ins: three feel lonely less often."""
    org = hope_dementia_care(hope, root)
    carers = people(7, Role.CARER, "2026-02-01 09:00:00+00:00", "Carer")
    with_dementia = people(5, Role.LIVING_WITH_DEMENTIA, "2026-02-01 09:00:00+00:00", "Person")
    volunteers = people(2, Role.VOLUNTEER, "2026-02-01 09:00:00+00:00", "Helper")
    february = meetup_on(hope, org, "2026-02-10")
    march = meetup_on(hope, org, "2026-03-10")
    wirral = meetup_on(hope, org, "2026-02-12", postcode="ch41 1aa")
    take_places(carers, february, "2026-02-01 10:00:00+00:00", companions=1)
    take_places(with_dementia, february, "2026-02-01 10:00:00+00:00")
    take_places(carers[:4] + with_dementia[:2], march, "2026-02-01 10:30:00+00:00")
    take_places(volunteers, wirral, "2026-02-01 10:30:00+00:00")
    with at("2026-02-09 10:00:00+00:00"):
        meetups.send_reminders()  # the day before 10 and 12 February (reminds the Wirral pair too)
    with at("2026-02-09 12:00:00+00:00"):
        for member in with_dementia[3:]:
            meetups.leave(member, february)
    with at("2026-03-05 09:00:00+00:00"):
        for carer, person in zip(carers, with_dementia):
            connections.accept(person, connections.ask(carer, person))
    with at("2026-01-10 09:00:00+00:00"):
        category = forums.save_category(root, "Welcome", "Say hello.", 0, Audience.EVERYONE, Audience.MEMBERS)
    posts = []
    for number, person in enumerate(with_dementia):
        with at("2026-02-02 10:00:00+00:00"):
            thread = forums.start_thread(person, category, f"Hello from person {number}", "I am new here.").thread
        posts.append(forums.first_post(thread))
        replier, moment = (carers[0], "2026-02-02 11:00:00+00:00") if number == 0 else (maya, "2026-02-02 13:00:00+00:00")
        with at(moment):
            posts.append(forums.reply(replier, thread, "Welcome, lovely to meet you.").post)
    for number, post in enumerate(posts):
        reporter = carers[1 + number % 6]
        with at(f"2026-03-02 {10 + number}:00:00+00:00"):
            report = moderation.report(reporter, "post", post.id, ReportReason.UNKIND, "Please check.").report
        decided = f"2026-03-02 {10 + number}:30:00+00:00" if number < 5 else f"2026-03-03 {10 + number}:30:00+00:00"
        with at(decided):
            moderation.act(root, report.case, Outcome.DISMISS, "Nothing unkind here.")
    for number, member in enumerate(carers[:3] + with_dementia[:3]):
        check_in(member, "2026-02-03 09:00:00+00:00", lonely=4)
        check_in(member, "2026-03-05 09:00:00+00:00", lonely=(3, 3, 3, 4, 4, 5)[number])
    return Town(org, carers, with_dementia, volunteers, february, march, wirral)
