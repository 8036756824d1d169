// The booking dialog opened by a click on an empty slot: a patient found by the patients API's
// search or created inline, the encounter type and the end time; a time in the past needs a tick.
import { errorDetail, type ApiClient, type Schemas } from "../api/client";
import { type AgendaConfig, part } from "./config";
import { atTime, fromWall, wallTime } from "./zone";

export interface Slot {
  start: Date; // wall date of the location
  practitioner: string | null;
  practitionerName: string;
  location: string | null;
  timeZone: string;
}

// The list answers the full record, or a narrower one for roles that may not see contacts.
type Patient = Pick<Schemas["Patient"], "id" | "first_name" | "last_name"> &
  Partial<Pick<Schemas["Patient"], "birth_date" | "phone">>;

const DEFAULT_LENGTH_MINUTES = 30;

export class BookingDialog {
  private dialog = part<HTMLDialogElement>("dialog");
  private form = part<HTMLFormElement>("form", this.dialog);
  private search = part<HTMLInputElement>("patient-search", this.dialog);
  private results = part<HTMLUListElement>("patient-results", this.dialog);
  private chosen = part("patient-chosen", this.dialog);
  private existing = part("existing", this.dialog);
  private error = part("dialog-error", this.dialog);
  private past = part("past", this.dialog);
  private confirmPast = part<HTMLInputElement>("confirm-past", this.dialog);
  private end = this.form.elements.namedItem("end") as HTMLInputElement;
  private encounterType = this.form.elements.namedItem("encounter_type") as HTMLSelectElement;
  private newFields = this.dialog.querySelector<HTMLElement>("[data-agenda-new-patient-fields]");
  private slot: Slot | null = null;
  private patient: { id: string; name: string } | null = null;
  private searchTimer = 0;
  private searchSequence = 0;

  constructor(
    private api: ApiClient,
    private config: AgendaConfig,
    private booked: () => void,
  ) {
    this.search.addEventListener("input", () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.findPatients(), 250);
    });
    this.dialog.querySelector("[data-agenda-new-patient]")?.addEventListener("click", () => this.showNewPatient(true));
    this.dialog
      .querySelector("[data-agenda-existing-patient]")
      ?.addEventListener("click", () => this.showNewPatient(false));
    part("cancel", this.dialog).addEventListener("click", () => this.dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.book();
    });
  }

  open(slot: Slot): void {
    this.slot = slot;
    this.patient = null;
    this.form.reset();
    this.results.replaceChildren();
    this.chosen.hidden = true;
    this.error.hidden = true;
    this.showNewPatient(false);
    const end = new Date(slot.start.getTime() + DEFAULT_LENGTH_MINUTES * 60_000);
    this.end.value = wallTime(end);
    const when = new Intl.DateTimeFormat(this.config.locale, {
      timeZone: "UTC", // a wall date: its UTC fields are the location's clock
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
    }).format(slot.start);
    part("when", this.dialog).textContent = `${when} · ${slot.practitionerName}`;
    this.past.hidden = fromWall(slot.start, slot.timeZone).getTime() >= Date.now();
    this.dialog.showModal();
    this.search.focus();
  }

  private showNewPatient(show: boolean): void {
    if (!this.newFields) return;
    this.newFields.hidden = !show;
    this.existing.hidden = show;
    (show ? (this.form.elements.namedItem("last_name") as HTMLInputElement) : this.search).focus();
  }

  private async findPatients(): Promise<void> {
    const q = this.search.value.trim();
    const sequence = ++this.searchSequence;
    if (q.length < 2) {
      this.results.replaceChildren();
      return;
    }
    const { data } = await this.api.GET("/api/v1/patients/", { params: { query: { q } } });
    if (sequence !== this.searchSequence) return; // a later search is under way
    const patients = data?.results ?? [];
    if (!patients.length) {
      const empty = document.createElement("li");
      empty.textContent = this.config.labels.no_match;
      this.results.replaceChildren(empty);
      return;
    }
    this.results.replaceChildren(...patients.slice(0, 8).map((patient) => this.patientOption(patient)));
  }

  private patientOption(patient: Patient): HTMLLIElement {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.setAttribute("role", "option");
    const name = `${patient.last_name.toUpperCase()} ${patient.first_name}`;
    const birth = patient.birth_date
      ? new Intl.DateTimeFormat(this.config.locale, { timeZone: "UTC" }).format(new Date(patient.birth_date))
      : "";
    button.textContent = [name, birth, patient.phone ?? ""].filter(Boolean).join(" · ");
    button.addEventListener("click", () => this.choose(patient.id, name));
    item.append(button);
    return item;
  }

  private choose(id: string, name: string): void {
    this.patient = { id, name };
    this.chosen.textContent = name;
    this.chosen.hidden = false;
    this.results.replaceChildren();
    this.search.value = "";
  }

  private fail(message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  private field(name: string): string {
    return ((this.form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "").trim();
  }

  private async book(): Promise<void> {
    const slot = this.slot;
    if (!slot) return;
    this.error.hidden = true;
    const newPatient = this.newFields !== null && !this.newFields.hidden;
    if (!newPatient && !this.patient) return this.fail(this.config.labels.choose_patient);
    const end = atTime(slot.start, this.end.value || "00:00");
    if (!this.end.value || end <= slot.start) return this.fail(this.config.labels.end_after_start);
    if (!this.past.hidden && !this.confirmPast.checked) return this.fail(this.config.labels.confirm_past);

    if (newPatient) {
      const { data, error } = await this.api.POST("/api/v1/patients/", {
        body: {
          first_name: this.field("first_name"),
          last_name: this.field("last_name"),
          phone: this.field("phone") || null,
          email: this.field("email") || null,
        },
      });
      if (error || !data) return this.fail(errorDetail(error, this.config.labels.error));
      // Kept: a second try after a refused slot books this patient instead of a copy.
      this.choose(data.id, `${data.last_name.toUpperCase()} ${data.first_name}`);
      this.showNewPatient(false);
    }
    const { error } = await this.api.POST("/api/v1/appointments/", {
      body: {
        patient: this.patient!.id,
        practitioner: slot.practitioner,
        location: slot.location,
        encounter_type: this.encounterType.value as Schemas["EncounterTypeEnum"],
        scheduled_start: fromWall(slot.start, slot.timeZone).toISOString(),
        scheduled_end: fromWall(end, slot.timeZone).toISOString(),
      },
    });
    if (error) return this.fail(errorDetail(error, this.config.labels.error));
    this.dialog.close();
    this.booked();
  }
}
