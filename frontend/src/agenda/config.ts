// What the Django page gives the scheduler (json_script "agenda-config"): locations and their
// time zones, the opening hours, permissions and every label in the admin's language.

export interface AgendaConfig {
  locations: { id: string; name: string; timezone: string }[];
  location: string;
  default_timezone: string;
  day: string | null;
  view: "day" | "week";
  opening_hours: { weekday: number; opens: string; closes: string }[];
  appointment_url: string;
  appointment_url_placeholder: string;
  csrf_token: string;
  can_add: boolean;
  can_change: boolean;
  can_add_patient: boolean;
  locale: string;
  month_names: string[]; // January first, in the form a date is written ("8 décembre")
  weekday_names: string[]; // Sunday first, as getDay counts
  statuses: Record<string, string>;
  labels: Record<
    | "today"
    | "day"
    | "week"
    | "previous"
    | "next"
    | "calendly"
    | "no_patient"
    | "no_practitioner"
    | "loading_failed"
    | "booked"
    | "moved"
    | "choose_patient"
    | "no_match"
    | "confirm_past"
    | "end_after_start"
    | "error",
    string
  >;
}

export function readConfig(): AgendaConfig {
  const element = document.getElementById("agenda-config");
  if (!element?.textContent) throw new Error("agenda-config is missing");
  return JSON.parse(element.textContent) as AgendaConfig;
}

/** The element marked `data-agenda-<name>` (the page's template draws them). */
export function part<T extends HTMLElement = HTMLElement>(name: string, root: ParentNode = document): T {
  const element = root.querySelector<T>(`[data-agenda-${name}]`);
  if (!element) throw new Error(`data-agenda-${name} is missing`);
  return element;
}
