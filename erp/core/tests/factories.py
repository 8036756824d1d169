import factory
from django.contrib.auth.models import Group

from erp.core.models import ClinicLocation, User

PASSWORD = "a-long-passphrase"  # every factory-made user's unless given


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@clinic.test")  # and no name, as create_user leaves it
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """The user's role, by its group's name: ``UserFactory(role="reception")``."""
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """Several roles at once: ``UserFactory(roles=["reception", "accounting"])``."""
        if extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class ClinicLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicLocation

    name = factory.Sequence(lambda n: f"Site {n}")
    city = "Paris"
    country_code = "FR"
