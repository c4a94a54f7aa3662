// Parses iCalendar text from stdin with ical.js, the parser inside Mozilla Thunderbird,
// and prints what a calendar client would show as JSON. Exits non-zero on a parse error.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(0, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
const timezones = calendar.getAllSubcomponents("vtimezone");
timezones.forEach((zone) => ICAL.TimezoneService.register(zone));

const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const occurrences = [];
  if (event.isRecurring()) {
    const iterator = event.iterator();
    for (let next = iterator.next(); next && occurrences.length < 60; next = iterator.next()) {
      occurrences.push(next.toString());
    }
  }
  return {
    uid: event.uid,
    summary: event.summary,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    start: event.startDate.toString(),
    end: event.endDate.toString(),
    timezone: event.startDate.timezone || event.startDate.zone.tzid,
    isDate: event.startDate.isDate,
    occurrences,
  };
});

process.stdout.write(JSON.stringify({
  name: calendar.getFirstPropertyValue("x-wr-calname"),
  timezones: timezones.map((zone) => zone.getFirstPropertyValue("tzid")),
  events,
}));
