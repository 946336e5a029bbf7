"""The demo's sample shifts, verifications and sign-ups."""

import io

import pytest
import time_machine
from django.apps import apps

from core.management.commands.seed_demo import ORGANIZATIONS, Command
from tests.conftest import MIDDAY
from volunteers.models import Shift, SignUp, Verification

pytestmark = pytest.mark.django_db


def seed():
    """What seed_demo does for this app: the organizations and people, then our hook."""
    command = Command()
    organizations = [command.organization(facts) for facts in ORGANIZATIONS]
    command.people(organizations)
    apps.get_app_config("volunteers").seed_demo(organizations=organizations, stdout=io.StringIO())


def test_seed_demo_adds_meals_rides_and_drop_in_shifts():
    seed()
    meals = Shift.objects.filter(organization__slug="justice-project-kc", kind="meal")
    assert meals.filter(title__contains="Willow Tree Room").count() >= 4
    assert meals.first().series is not None
    rides = Shift.objects.filter(organization__slug="rended-heart", kind="transport")
    assert set(rides.values_list("destination", flat=True)) >= {"court", "medical"}
    assert all(ride.requires_driver and ride.private_details.pickup_point for ride in rides)
    assert Shift.objects.filter(organization__slug="relentless-pursuit", title__contains="drop-in")


def test_seed_demo_verifies_the_demo_volunteer_at_rended_heart_and_signs_them_up():
    seed()
    kinds = Verification.objects.filter(
        volunteer__email="volunteer@hearth.demo", organization__slug="rended-heart"
    ).values_list("kind", flat=True)
    assert sorted(kinds) == ["background_check", "driver"]
    assert not Verification.objects.filter(volunteer__email="newcomer@hearth.demo").exists()
    assert SignUp.objects.filter(volunteer__email="volunteer@hearth.demo").count() >= 2


# Midweek: the demo's shifts are counted from the Monday of the current week.
@time_machine.travel(MIDDAY, tick=False)
def test_seed_demo_is_idempotent():
    seed()
    counts = (Shift.objects.count(), SignUp.objects.count(), Verification.objects.count())
    seed()
    assert (Shift.objects.count(), SignUp.objects.count(), Verification.objects.count()) == counts
