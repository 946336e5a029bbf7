"""A volunteer's own data: the download, and what deleting the account leaves behind."""

import json

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from volunteers.models import CalendarFeed, SignUp, Verification

from .conftest import NOW, at, make_shift, make_signup, verify

pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
def test_the_data_download_has_my_sign_ups_verifications_and_hours(client, organization, volunteer):
    make_signup(make_shift(organization, start=at(-3, 17), title="Past meal"), volunteer)
    make_signup(
        make_shift(organization, start=at(3, 17), title="Next meal", meal_role="bring"),
        volunteer,
        bringing="Rolls",
    )
    verify(volunteer, organization, "driver")
    client.force_login(volunteer)

    data = json.loads(client.get(reverse("core:data_export")).content)["volunteer_shifts"]

    assert [s["shift"] for s in data["sign_ups"]] == ["Past meal", "Next meal"]
    assert data["sign_ups"][0]["hours"] == "2"
    assert data["sign_ups"][1]["bringing"] == "Rolls"
    assert data["total_hours"] == "2"
    assert data["verifications"] == [
        {"organization": "Rended Heart", "kind": "driver", "expires_on": "2027-03-02"}
    ]


@time_machine.travel(NOW, tick=False)
def test_deleting_the_account_anonymises_past_sign_ups_and_frees_upcoming_places(
    client, organization, volunteer
):
    past = make_signup(make_shift(organization, start=at(-3, 17)), volunteer)
    upcoming = make_shift(organization, start=at(3, 17), capacity=1)
    make_signup(upcoming, volunteer)
    waiting = make_signup(upcoming, make_user("next@example.test"), status="waitlisted")
    verify(volunteer, organization, "driver")
    CalendarFeed.objects.create(user=volunteer)
    client.force_login(volunteer)

    client.post(reverse("core:account_delete"), {"password": PASSWORD})

    past.refresh_from_db()
    assert past.volunteer is None
    assert (past.guest_name, past.guest_email) == ("", "")
    assert past.display_name == "Deleted account"
    assert past.credited_hours() == 2
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    assert not Verification.objects.exists()
    assert not CalendarFeed.objects.exists()
