"""Factories for shifts, sign-ups and verifications, on top of tests/conftest.py's personas."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.conftest import make_user
from volunteers.models import Shift, SignUp, TransportDetails, Verification

CHICAGO = ZoneInfo("America/Chicago")
# Tests that depend on "now" travel to this moment: Monday 2 March 2026, 9:00 in Kansas City.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=CHICAGO)


def at(day, hour, minute=0):
    """A moment in Kansas City, `day` days after NOW's date."""
    date = NOW.date() + timedelta(days=day)
    return datetime(date.year, date.month, date.day, hour, minute, tzinfo=CHICAGO)


def make_shift(organization, *, start=None, hours=2, **extra):
    start = start or timezone.now() + timedelta(days=3)
    fields = {
        "kind": Shift.Kind.MEAL,
        "title": "Community meal",
        "place": "Willow Tree Room",
        "capacity": 5,
        "meal_role": Shift.MealRole.SERVE,
    }
    fields.update(extra)
    return Shift.objects.create(
        organization=organization, start=start, end=start + timedelta(hours=hours), **fields
    )


def make_ride(organization, *, pickup_point="Plaza library, front entrance", **extra):
    fields = {
        "kind": Shift.Kind.TRANSPORT,
        "title": "Ride to a court date",
        "place": "Midtown",
        "capacity": 1,
        "meal_role": "",
        "destination": Shift.Destination.COURT,
        "requires_driver": True,
    }
    fields.update(extra)
    shift = make_shift(organization, **fields)
    TransportDetails.objects.create(shift=shift, pickup_point=pickup_point, ask_for="Front desk")
    return shift


def make_signup(shift, volunteer, status=SignUp.Status.CONFIRMED, **extra):
    return SignUp.objects.create(shift=shift, volunteer=volunteer, status=status, **extra)


def fill(shift, people, tag=""):
    """`people` confirmed places on the shift and as many on its waitlist, each held by a
    new volunteer; `tag` keeps their addresses apart from another shift's."""
    for i in range(people):
        make_signup(shift, make_user(f"c{tag}{i}@example.test"))
        make_signup(shift, make_user(f"w{tag}{i}@example.test"), status=SignUp.Status.WAITLISTED)


def verify(volunteer, organization, *kinds, expires_on=None):
    for kind in kinds:
        Verification.objects.create(
            volunteer=volunteer,
            organization=organization,
            kind=kind,
            expires_on=expires_on or timezone.localdate() + timedelta(days=365),
        )


@pytest.fixture
def shift(organization):
    return make_shift(organization)
