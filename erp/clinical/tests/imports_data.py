"""Files of the import tests: CSV as the old software exports them, and XLSX workbooks."""

import datetime
import io

from openpyxl import Workbook

PATIENT_HEADER = (
    "N° patient;Nom;Prénom;Date de naissance;Sexe;Téléphone;E-mail;Adresse;CP;Ville;Langue;Provenance;Remarques"
)


def patient_line(n: int, **overrides) -> str:
    values = {
        "id": f"P{n:04d}",
        "last": f"Martin{n}",
        "first": "Claire",
        "birth": f"{(n % 28) + 1:02d}/03/1980",
        "sex": "F",
        "phone": f"06 12 {n // 100 % 100:02d} {n % 100:02d} 00",
        "email": f"claire{n}@example.fr",
        "address": "12 rue de la Paix",
        "cp": "75002",
        "city": "Paris",
        "lang": "Français",
        "source": "",
        "notes": "",
    }
    values.update(overrides)
    return ";".join(values.values())


def patients_csv(lines: list[str], *, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([PATIENT_HEADER, *lines]) + "\r\n").encode(encoding)


def appointments_csv(rows: list[dict[str, str]]) -> bytes:
    header = ["Id RDV", "Email", "Téléphone", "Praticien", "Lieu", "Début", "Durée", "Notes"]
    keys = ["id", "email", "phone", "practitioner", "location", "start", "duration", "notes"]
    lines = [",".join(header)] + [",".join(row.get(key, "") for key in keys) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def future_day(days: int = 10) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)
