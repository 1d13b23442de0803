// Reads an iCalendar file on standard input with Mozilla's ical.js (as Thunderbird does), using only
// the file's own VTIMEZONE, and prints each event's start and end in UTC, plus the feed's refresh hints.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    tzid: event.startDate.zone.tzid,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
  };
});
const text = (name) => {
  const value = calendar.getFirstPropertyValue(name);
  return value === null ? null : value.toString();
};
console.log(JSON.stringify({ events, refresh: text("refresh-interval"), ttl: text("x-published-ttl") }));
