import pytest

from erp.clinical.exceptions import InvalidPhoneNumber
from erp.clinical.models import Patient, normalize_name, phone_to_e164
from erp.clinical.tests.factories import PatientFactory


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Hélène   LE  Bœuf ", "helene le bœuf"),
        ("François-Xavier DUPRÉ", "francois-xavier dupre"),
        ("Ёлкина  Анастасия", "елкина анастасия"),
        ("Иван ЙОВИЧ", "иван иович"),
        ("Արամ ՊԵՏՐՈՍՅԱՆ", "արամ պետրոսյան"),
        ("", ""),
    ],
)
def test_normalize_name_fr_ru_hy(raw, expected):
    assert normalize_name(raw) == expected


@pytest.mark.django_db
def test_patient_keeps_normalized_name_lower_email_and_e164():
    patient = PatientFactory(
        first_name="Élodie", last_name="MÜLLER", email=" Elodie@Example.COM ", phone="06 12 34 56 78"
    )
    patient.refresh_from_db()
    assert patient.full_name_normalized == "elodie muller"
    assert patient.email == "elodie@example.com"
    assert patient.phone_e164 == "+33612345678"


@pytest.mark.django_db
def test_phone_region_is_patient_country_then_settings():
    armenian = PatientFactory(country_code="am", phone="077 123456")
    assert armenian.phone_e164 == "+37477123456"
    assert armenian.country_code == "AM"
    french = PatientFactory(country_code=None, phone="01 42 68 53 00")
    assert french.phone_e164 == "+33142685300"
    french.phone = ""
    french.save()
    assert french.phone_e164 is None


@pytest.mark.django_db
def test_unparseable_phone_is_refused_naming_the_field():
    with pytest.raises(InvalidPhoneNumber) as caught:
        PatientFactory(phone="not a number")
    assert caught.value.field == "phone"
    assert caught.value.code == "phone_invalid"
    assert not Patient.all_objects.exists()


def test_phone_to_e164_international_form_ignores_region():
    assert phone_to_e164("+7 912 345-67-89", "FR") == "+79123456789"
    with pytest.raises(InvalidPhoneNumber):
        phone_to_e164("12", "FR")
