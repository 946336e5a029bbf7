"""Coordinators grant and revoke verifications for the volunteers of their organization."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from volunteers.models import SignUp, Verification

from .conftest import make_shift, make_signup, verify

pytestmark = pytest.mark.django_db


def page_url(organization):
    return reverse("volunteers:verifications", args=[organization.slug])


def grant(volunteer, kind="background_check", days=365):
    return {
        "volunteer": volunteer.pk,
        "kind": kind,
        "expires_on": (timezone.localdate() + timedelta(days=days)).isoformat(),
    }


@pytest.fixture
def signed_up(organization, volunteer):
    make_signup(make_shift(organization), volunteer, status=SignUp.Status.CANCELLED)
    return volunteer


def test_the_page_lists_only_people_who_signed_up_with_the_organization(
    client, organization, other_organization, coordinator, signed_up
):
    make_signup(make_shift(other_organization), make_user("theirs@example.test", "Their Tom"))
    client.force_login(coordinator)
    html = client.get(page_url(organization)).text
    assert "Val Volunteer" in html
    assert "volunteer@example.test" in html
    assert "Their Tom" not in html


def test_a_coordinator_grants_a_verification_with_an_expiry_date(
    client, organization, coordinator, signed_up
):
    client.force_login(coordinator)
    response = client.post(page_url(organization), grant(signed_up), follow=True)
    assert "Background check verified until" in response.text
    verification = Verification.objects.get()
    assert (verification.organization, verification.granted_by) == (organization, coordinator)
    # Granting again renews it.
    renewal = grant(signed_up, days=30)
    client.post(page_url(organization), renewal)
    assert Verification.objects.get().expires_on.isoformat() == renewal["expires_on"]


def test_someone_who_never_signed_up_with_the_organization_cannot_be_verified(
    client, organization, coordinator, signed_up
):
    stranger = make_user("stranger@example.test")
    client.force_login(coordinator)
    response = client.post(page_url(organization), grant(stranger))
    assert "Select a valid choice." in response.text
    assert not Verification.objects.exists()


def test_an_expiry_date_in_the_past_is_explained_and_kept(
    client, organization, coordinator, signed_up
):
    client.force_login(coordinator)
    data = grant(signed_up, days=-3)
    response = client.post(page_url(organization), data)
    assert "Pick a day from today on." in response.text
    assert f'value="{data["expires_on"]}"' in response.text
    assert not Verification.objects.exists()


def test_an_expiry_date_past_the_calendar_is_explained_and_kept(
    client, organization, coordinator, signed_up
):
    client.force_login(coordinator)
    data = {**grant(signed_up), "expires_on": "2205-05-01"}
    response = client.post(page_url(organization), data)
    assert "Pick a day from Jan. 1, 2000 to Dec. 31, 2099." in response.text
    assert 'value="2205-05-01"' in response.text
    assert not Verification.objects.exists()


def test_a_coordinator_revokes_a_verification(client, organization, coordinator, signed_up):
    verify(signed_up, organization, "driver")
    client.force_login(coordinator)
    verification = Verification.objects.get()
    response = client.post(
        reverse("volunteers:verification_revoke", args=[verification.pk]), follow=True
    )
    assert "is no longer verified" in response.text
    assert not Verification.objects.exists()


def test_another_organizations_coordinator_cannot_revoke_it(
    client, organization, other_coordinator, signed_up
):
    verify(signed_up, organization, "driver")
    client.force_login(other_coordinator)
    verification = Verification.objects.get()
    url = reverse("volunteers:verification_revoke", args=[verification.pk])
    assert client.post(url).status_code == 404
    assert Verification.objects.exists()


def test_the_page_runs_a_constant_number_of_queries(
    client, organization, coordinator, django_assert_num_queries
):
    def add(first, count):
        for i in range(first, first + count):
            person = make_user(f"p{i}@example.test")
            make_signup(make_shift(organization), person, status=SignUp.Status.CANCELLED)
            verify(person, organization, "driver", "orientation")

    add(0, 2)
    client.force_login(coordinator)
    with django_assert_num_queries(6) as small:
        client.get(page_url(organization))
    add(2, 18)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(page_url(organization))
