// The API speaks UTC; the grid shows the location's wall clock. Here a "wall" date is a Date whose
// UTC fields are the location's clock; the calendar is fed floating ISO strings of those, and its
// callbacks hand back Dates whose local fields are that clock (fromCalendar).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** The wall clock of `instant` in `timeZone`, as milliseconds of a UTC-coded date. */
function wallMillis(instant: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** An instant (ISO 8601 with offset, or a Date) as a wall date of the zone. */
export function toWall(instant: string | Date, timeZone: string): Date {
  return new Date(wallMillis(new Date(instant), timeZone));
}

/** A wall date of the zone as the instant it names (the later reading when the clock goes back). */
export function fromWall(wall: Date, timeZone: string): Date {
  const guess = wall.getTime();
  const first = guess - (wallMillis(new Date(guess), timeZone) - guess);
  const second = guess - (wallMillis(new Date(first), timeZone) - first);
  return new Date(second);
}

/** "2026-12-07T09:30:00": a floating date-time the calendar shows as is. */
export function wallString(wall: Date): string {
  return wall.toISOString().slice(0, 19);
}

/** "09:30" of a wall date. */
export function wallTime(wall: Date): string {
  return wall.toISOString().slice(11, 16);
}

/** The wall date of `day` at "HH:MM". */
export function atTime(day: Date, time: string): Date {
  const [hours, minutes] = time.split(":").map(Number);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours ?? 0, minutes ?? 0));
}

/** A date EventCalendar hands to a callback (its local fields are the grid's clock) as a wall date. */
export function fromCalendar(date: Date): Date {
  return new Date(
    Date.UTC(date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()),
  );
}
