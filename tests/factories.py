"""factory_boy factories for the test data. Rounds, units and roles are made through the services,
so a factory never builds anything the app itself could not.

    RoundFactory()                                   open today, Sogndal and Molde taking part
    RoundFactory(closed=True, municipality_numbers=["4640"])
    RoundFactory(opens_in=10, days=30)               opens in ten days, runs thirty
    UserFactory(role="coordinator", municipality_number="4640")
"""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessment import services as assessment_services
from assessment.models import Round
from municipalities import services as municipality_services


class RoundFactory(factory.Factory):
    """A round on the latest published instrument; `opens_in` days from today (negative: in
    the past) for `days` days. `closed=True`: it ended yesterday."""

    class Meta:
        model = Round

    class Params:
        opens_in = -3
        days = 23
        closed = factory.Trait(opens_in=-60, days=59)

    slug = factory.Sequence(lambda n: f"runde-{n}")
    name = factory.LazyAttribute(lambda o: f"Runde {o.slug}")
    opens_on = factory.LazyAttribute(lambda o: timezone.localdate() + timedelta(days=o.opens_in))
    closes_on = factory.LazyAttribute(lambda o: o.opens_on + timedelta(days=o.days))
    municipality_numbers = factory.LazyFunction(lambda: ["4640", "1506"])

    @classmethod
    def _create(cls, model_class, **kwargs):
        return assessment_services.create_round(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the password «x»; with `role` (and its scope) granted through grant_role."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"bruker-{n}")
    password = factory.django.Password("x")

    @classmethod
    def _create(cls, model_class, *args, role=None, municipality_number=None, unit_id=None, **kw):
        user = super()._create(model_class, *args, **kw)
        if role is not None:
            municipality_services.grant_role(
                username=user.username,
                role=role,
                municipality_number=municipality_number,
                unit_id=unit_id,
            )
        return user


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True
