import factory
from django.contrib.auth.models import Group

from erp.core.models import ClinicLocation, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@clinic.test")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "a-long-passphrase")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class ClinicLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicLocation

    name = factory.Sequence(lambda n: f"Site {n}")
    city = "Paris"
    country_code = "FR"
