// The agenda scheduler of the staff admin: EventCalendar's resource time grid (a column per
// practitioner, day or week), fed and changed through the typed API client. The API owns the
// rules: a refused move (409 overlap, 412 stale version...) shows its detail and the event goes back.
import { createCalendar, Interaction, ResourceTimeGrid, type Calendar } from "@event-calendar/core";
import "@event-calendar/core/index.css";
import "./agenda.css";
import { apiClient, errorDetail, type Schemas } from "../api/client";
import { BookingDialog } from "./booking";
import { type AgendaConfig, part, readConfig } from "./config";
import { atTime, fromCalendar, fromWall, toWall, wallString } from "./zone";

type Appointment = Schemas["AgendaAppointment"];

const VIEWS = { day: "resourceTimeGridDay", week: "resourceTimeGridWeek" } as const;
const UNASSIGNED = "unassigned"; // the column of appointments with no practitioner
const EDITABLE_STATUSES = new Set(["scheduled", "confirmed"]);

class Scheduler {
  private api: ReturnType<typeof apiClient>;
  private calendar!: Calendar;
  private dialog: BookingDialog;
  private message = part("message");
  private locationSelect = document.getElementById("agenda-location") as HTMLSelectElement;
  private range: { start: Date; end: Date } | null = null;
  private practitioners = new Map<string, string>();
  private sequence = 0;
  private messageTimer = 0;

  /** "8 décembre 2026" for a day, "7 – 13 décembre 2026" for a week. The calendar hands dates
   * whose local fields are the location's clock (zone.ts); ``last`` is the range's last day. */
  private title(start: Date, last: Date): string {
    const months = this.config.month_names;
    const day = (date: Date) => `${date.getDate()} ${months[date.getMonth()]}`;
    if (last.getTime() <= start.getTime()) return `${day(start)} ${start.getFullYear()}`;
    if (start.getFullYear() !== last.getFullYear()) {
      return `${day(start)} ${start.getFullYear()} – ${day(last)} ${last.getFullYear()}`;
    }
    const first = start.getMonth() === last.getMonth() ? `${start.getDate()}` : day(start);
    return `${first} – ${day(last)} ${last.getFullYear()}`;
  }

  constructor(private config: AgendaConfig) {
    this.api = apiClient({ csrfToken: config.csrf_token, language: config.locale });
    this.dialog = new BookingDialog(this.api, config, async () => {
      await this.load();
      this.say(config.labels.booked, "success");
    });
    this.locationSelect.addEventListener("change", () => this.changeLocation(this.locationSelect.value));
    this.showTimeZone();
    this.calendar = createCalendar(document.getElementById("agenda-calendar")!, [ResourceTimeGrid, Interaction], this.options());
  }

  private get timeZone(): string {
    return this.config.locations.find((place) => place.id === this.config.location)?.timezone ?? this.config.default_timezone;
  }

  private showTimeZone(): void {
    part("timezone").textContent = this.timeZone;
  }

  private options(): Calendar.Options {
    const { labels } = this.config;
    const today = toWall(new Date(), this.timeZone);
    const hours = this.config.opening_hours;
    const opens = hours.map((h) => h.opens).sort()[0] ?? "08:00";
    const closes = hours.map((h) => h.closes).sort().at(-1) ?? "20:00";
    return {
      view: VIEWS[this.config.view],
      date: this.config.day ?? wallString(today).slice(0, 10),
      timeZone: "UTC", // wall dates: see zone.ts
      locale: this.config.locale,
      firstDay: 1,
      allDaySlot: false,
      datesAboveResources: true,
      slotDuration: "00:15",
      slotLabelInterval: "01:00",
      slotMinTime: earlier(opens),
      slotMaxTime: later(closes),
      flexibleSlotTimeLimits: true,
      scrollTime: earlier(opens),
      views: { [VIEWS.week]: { displayEventEnd: false } },
      height: "max(32rem, calc(100vh - 14rem))",
      editable: this.config.can_change,
      selectable: false,
      eventTimeFormat: { hour: "2-digit", minute: "2-digit" },
      slotLabelFormat: { hour: "2-digit", minute: "2-digit" },
      // Dates in words from the page's names (the browser may have none for a language).
      dayHeaderFormat: (date: Date) =>
        `${this.config.weekday_names[date.getDay()]} ${date.getDate()} ${this.config.month_names[date.getMonth()]}`,
      titleFormat: (start: Date, end: Date) => this.title(start, end),
      headerToolbar: { start: "prev,next today", center: "title", end: `${VIEWS.day},${VIEWS.week}` },
      buttonText: (text) => ({
        ...text,
        today: labels.today,
        [VIEWS.day]: labels.day,
        [VIEWS.week]: labels.week,
        prev: labels.previous,
        next: labels.next,
      }),
      resources: [],
      events: [],
      datesSet: (info) => {
        this.range = { start: fromCalendar(info.start), end: fromCalendar(info.end) };
        void this.load();
      },
      dateClick: (info) => {
        if (!this.config.can_add || info.allDay) return;
        const practitioner = info.resource ? String(info.resource.id) : null;
        this.dialog.open({
          start: fromCalendar(info.date),
          practitioner: practitioner === UNASSIGNED ? null : practitioner,
          practitionerName: practitioner ? (this.practitioners.get(practitioner) ?? "") : "",
          location: this.config.location || null,
          timeZone: this.timeZone,
        });
      },
      eventClick: (info) => {
        const appointment = info.event.extendedProps.appointment as Appointment | undefined;
        if (!appointment) return;
        window.location.assign(this.config.appointment_url.replace(this.config.appointment_url_placeholder, appointment.id));
      },
      eventDrop: (info) => void this.move(info.event, info.revert, info.newResource?.id),
      eventResize: (info) => void this.move(info.event, info.revert),
      eventDidMount: (info) => {
        const appointment = info.event.extendedProps.appointment as Appointment | undefined;
        if (!appointment) return;
        const parts = [this.patientName(appointment), appointment.status_label, appointment.encounter_type_label];
        if (appointment.source === "calendly") parts.push(this.config.labels.calendly);
        info.el.title = parts.filter(Boolean).join(" · ");
      },
      eventContent: (info) => {
        const appointment = info.event.extendedProps.appointment as Appointment | undefined;
        if (!appointment) return undefined;
        return { domNodes: this.eventNodes(appointment, info.timeText) };
      },
    };
  }

  /** Time (and the Calendly mark), patient, encounter type; the status is the colour (and the tooltip). */
  private eventNodes(appointment: Appointment, timeText: string): Node[] {
    const time = element("span", "agenda-event-time", timeText);
    if (appointment.source === "calendly") time.append(" ", element("span", "agenda-event-badge", this.config.labels.calendly));
    const nodes: Node[] = [time, element("strong", "agenda-event-patient", this.patientName(appointment))];
    if (appointment.encounter_type_label) nodes.push(element("span", "agenda-event-type", appointment.encounter_type_label));
    return nodes;
  }

  private patientName(appointment: Appointment): string {
    return appointment.patient_name ?? this.config.labels.no_patient;
  }

  private changeLocation(location: string): void {
    this.config.location = location;
    const url = new URL(window.location.href);
    if (location) url.searchParams.set("location", location);
    else url.searchParams.delete("location");
    window.history.replaceState(null, "", url);
    this.showTimeZone();
    void this.load();
  }

  /** The range's practitioners and appointments, and the closed hours shaded. */
  async load(): Promise<void> {
    if (!this.range) return;
    const sequence = ++this.sequence;
    const zone = this.timeZone;
    const { data, error } = await this.api.GET("/api/v1/appointments/agenda/", {
      params: {
        query: {
          start: fromWall(this.range.start, zone).toISOString(),
          end: fromWall(this.range.end, zone).toISOString(),
          location: this.config.location || undefined,
        },
      },
    });
    if (sequence !== this.sequence) return; // a later load is under way
    if (error || !data) {
      this.say(errorDetail(error, this.config.labels.loading_failed), "error");
      return;
    }
    this.practitioners = new Map(data.practitioners.map((p) => [p.id, p.display_name]));
    const resources: Calendar.ResourceInput[] = data.practitioners.map((p) => ({ id: p.id, title: p.display_name }));
    if (data.appointments.some((a) => !a.practitioner)) {
      resources.push({ id: UNASSIGNED, title: this.config.labels.no_practitioner });
    }
    const events: Calendar.EventInput[] = data.appointments.map((a) => this.event(a, zone));
    events.push(...this.closedHours(resources.map((r) => r.id)));
    this.calendar.setOption("resources", resources);
    this.calendar.setOption("events", events);
  }

  private event(appointment: Appointment, zone: string): Calendar.EventInput {
    const movable =
      this.config.can_change && appointment.source !== "calendly" && EDITABLE_STATUSES.has(appointment.status);
    return {
      id: appointment.id,
      resourceIds: [appointment.practitioner ?? UNASSIGNED],
      start: wallString(toWall(appointment.scheduled_start, zone)),
      end: wallString(toWall(appointment.scheduled_end, zone)),
      editable: movable,
      classNames: [
        "agenda-event",
        `agenda-status-${appointment.status}`,
        ...(appointment.source === "calendly" ? ["agenda-calendly"] : []),
      ],
      extendedProps: { appointment },
    };
  }

  /** Background events over the hours the clinic is closed (its opening hours per weekday). */
  private closedHours(resourceIds: (string | number)[]): Calendar.EventInput[] {
    if (!this.range || !this.config.opening_hours.length) return [];
    const closed: Calendar.EventInput[] = [];
    for (let day = this.range.start; day < this.range.end; day = new Date(day.getTime() + 86_400_000)) {
      const weekday = (day.getUTCDay() + 6) % 7; // Monday is 0, as Django's weekday()
      const spans = this.config.opening_hours.filter((h) => h.weekday === weekday).sort((a, b) => a.opens.localeCompare(b.opens));
      let from = atTime(day, "00:00");
      for (const span of spans) {
        const opens = atTime(day, span.opens);
        if (opens > from) closed.push(background(from, opens, resourceIds));
        from = atTime(day, span.closes);
      }
      const midnight = new Date(atTime(day, "00:00").getTime() + 86_400_000);
      if (midnight > from) closed.push(background(from, midnight, resourceIds));
    }
    return closed;
  }

  /** A drag or a resize: the API moves it, or refuses and the event goes back. */
  private async move(event: Calendar.Event, revert: () => void, newResource?: string | number): Promise<void> {
    const appointment = event.extendedProps.appointment as Appointment;
    const zone = this.timeZone;
    const body: Schemas["PatchedAppointmentRequest"] = {
      scheduled_start: fromWall(fromCalendar(event.start), zone).toISOString(),
      scheduled_end: fromWall(fromCalendar(event.end), zone).toISOString(),
    };
    if (newResource !== undefined) body.practitioner = newResource === UNASSIGNED ? null : String(newResource);
    const { error } = await this.api.PATCH("/api/v1/appointments/{id}/", {
      params: { path: { id: appointment.id }, header: { "If-Match": `"${appointment.row_version}"` } },
      body,
    });
    if (error) {
      revert();
      this.say(errorDetail(error, this.config.labels.error), "error");
      return;
    }
    // Said once the grid holds the new version: a second move started before would send the
    // old one and be refused as stale.
    await this.load();
    this.say(this.config.labels.moved, "success");
  }

  private say(text: string, kind: "success" | "error"): void {
    window.clearTimeout(this.messageTimer);
    this.message.textContent = text;
    this.message.className = `agenda-message agenda-message-${kind}`;
    this.message.hidden = false;
    if (kind === "success") this.messageTimer = window.setTimeout(() => (this.message.hidden = true), 4000);
  }
}

function background(start: Date, end: Date, resourceIds: (string | number)[]): Calendar.EventInput {
  return { start: wallString(start), end: wallString(end), display: "background", resourceIds, classNames: ["agenda-closed-time"] };
}

function element(tag: string, className: string, text: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

/** An hour before "HH:MM" (not before midnight), and an hour after (not after 24:00). */
function earlier(time: string): string {
  const hour = Math.max(0, Number(time.slice(0, 2)) - 1);
  return `${String(hour).padStart(2, "0")}:00`;
}

function later(time: string): string {
  const hour = Math.min(24, Number(time.slice(0, 2)) + (time.endsWith(":00") ? 1 : 2));
  return `${String(hour).padStart(2, "0")}:00`;
}

new Scheduler(readConfig());
