"""Every coordinator page refuses outsiders: another organization's coordinator and a plain
volunteer get 404 (nothing tells them the object exists), an anonymous visitor the login,
with or without htmx."""

from decimal import Decimal

import pytest
from django.urls import reverse

from volunteers.models import Shift, SignUp, Verification

from .conftest import make_ride, make_signup, verify

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def objects(organization, volunteer):
    ride = make_ride(organization)
    signup = make_signup(ride, volunteer)
    verify(volunteer, organization, "driver")
    return {
        "slug": organization.slug,
        "shift": ride.pk,
        "signup": signup.pk,
        "verification": Verification.objects.get().pk,
    }


# (method, url name, which object, POST data); "{signup}" in a field name stands for the
# sign-up's pk, as the roster prefixes each row's fields with it.
PRIVATE = [
    ("get", "volunteers:manage_shifts", "slug", {}),
    ("post", "volunteers:manage_shifts", "slug", {"cancel_cutoff_hours": "1"}),
    ("get", "volunteers:shift_create", "slug", {}),
    ("post", "volunteers:shift_create", "slug", {"title": "Sneaky"}),
    ("get", "volunteers:verifications", "slug", {}),
    ("post", "volunteers:verifications", "slug", {"kind": "driver"}),
    ("get", "volunteers:hours_report", "slug", {}),
    ("get", "volunteers:shift_roster", "shift", {}),
    ("post", "volunteers:shift_roster", "shift", {"subject": "Hi", "body": "Hello"}),
    ("get", "volunteers:shift_edit", "shift", {}),
    ("post", "volunteers:shift_edit", "shift", {"title": "Changed"}),
    ("get", "volunteers:shift_cancel", "shift", {}),
    ("post", "volunteers:shift_cancel", "shift", {}),
    ("post", "volunteers:roster_update", "signup", {"action": "remove"}),
    ("post", "volunteers:roster_update", "signup", {"signup-{signup}-attendance": "no_show"}),
    ("post", "volunteers:roster_update", "signup", {"signup-{signup}-hours": "7.5"}),
    ("post", "volunteers:verification_revoke", "verification", {}),
]


def case_id(method, name, data):
    """`post roster_update hours`: the roster's one view takes three kinds of POST."""
    words = [method, name.split(":")[1]]
    if name == "volunteers:roster_update":
        words.append(data.get("action") or next(iter(data)).rsplit("-", 1)[1])
    return " ".join(words)


IDS = [case_id(method, name, data) for method, name, _, data in PRIVATE]
ROSTER = [case for case in PRIVATE if case[1] == "volunteers:roster_update"]
ROSTER_IDS = [case_id(method, name, data) for method, name, _, data in ROSTER]


@pytest.fixture(params=[{}, HTMX], ids=["plain", "htmx"])
def headers(request):
    return request.param


def request(client, objects, method, name, key, data, headers=None):
    url = reverse(name, args=[objects[key]])
    data = {field.format(**objects): value for field, value in data.items()}
    return getattr(client, method)(url, data, headers=headers or {})


def assert_nothing_changed(ride_pk):
    ride = Shift.objects.get(pk=ride_pk)
    assert ride.title == "Ride to a court date"
    assert not ride.is_cancelled
    signup = SignUp.objects.get()
    assert signup.status == SignUp.Status.CONFIRMED
    assert (signup.attendance, signup.hours) == ("", None)
    assert Verification.objects.exists()
    assert Shift.objects.count() == 1


@pytest.mark.parametrize(("method", "name", "key", "data"), PRIVATE, ids=IDS)
def test_another_organizations_coordinator_gets_404(
    client, objects, other_coordinator, headers, method, name, key, data
):
    client.force_login(other_coordinator)
    assert request(client, objects, method, name, key, data, headers).status_code == 404
    assert_nothing_changed(objects["shift"])


@pytest.mark.parametrize(("method", "name", "key", "data"), PRIVATE, ids=IDS)
def test_a_plain_volunteer_gets_404(client, objects, volunteer, headers, method, name, key, data):
    client.force_login(volunteer)
    assert request(client, objects, method, name, key, data, headers).status_code == 404
    assert_nothing_changed(objects["shift"])


@pytest.mark.parametrize(("method", "name", "key", "data"), PRIVATE, ids=IDS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, objects, headers, method, name, key, data):
    response = request(client, objects, method, name, key, data, headers)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert_nothing_changed(objects["shift"])


@pytest.mark.parametrize(("method", "name", "key", "data"), ROSTER, ids=ROSTER_IDS)
def test_the_roster_posts_refused_to_outsiders_work_for_the_organizations_coordinator(
    client, objects, coordinator, method, name, key, data
):
    """The refusals above are refusals, not a form that would have failed anyway."""
    client.force_login(coordinator)
    assert request(client, objects, method, name, key, data).status_code == 302
    signup = SignUp.objects.get()
    expected = {
        "post roster_update remove": (SignUp.Status.CANCELLED, "", None),
        "post roster_update attendance": (SignUp.Status.CONFIRMED, "no_show", None),
        "post roster_update hours": (SignUp.Status.CONFIRMED, "", Decimal("7.5")),
    }[case_id(method, name, data)]
    assert (signup.status, signup.attendance, signup.hours) == expected


def test_the_hours_export_refuses_outsiders_too(client, objects, other_coordinator):
    client.force_login(other_coordinator)
    url = reverse("volunteers:hours_report", args=[objects["slug"]])
    assert client.get(url, {"format": "csv"}).status_code == 404


def test_the_coordinators_own_pages_open(client, objects, coordinator):
    client.force_login(coordinator)
    for method, name, key, _data in PRIVATE:
        if method == "get":
            assert request(client, objects, method, name, key, {}).status_code == 200, name


def test_a_volunteers_contact_details_stay_with_the_organizations_they_signed_up_with(
    client, objects, other_coordinator, other_organization
):
    """Another organization's coordinator sees nobody's contact details on their own pages."""
    client.force_login(other_coordinator)
    for name in ["volunteers:verifications", "volunteers:hours_report"]:
        html = client.get(reverse(name, args=[other_organization.slug])).text
        assert "volunteer@example.test" not in html
        assert "816-555-0100" not in html


def test_the_manage_page_links_to_the_shift_pages(client, organization, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("core:manage_index")).text
    for name in ["manage_shifts", "verifications", "hours_report"]:
        assert reverse(f"volunteers:{name}", args=[organization.slug]) in html


@pytest.mark.parametrize("name", ["shift_roster", "shift_edit", "shift_cancel"])
@pytest.mark.parametrize("pk", [0, 2**63, 10**30])
def test_a_shift_number_that_cannot_exist_is_not_found(client, objects, coordinator, name, pk):
    client.force_login(coordinator)
    assert client.get(reverse(f"volunteers:{name}", args=[pk])).status_code == 404


@pytest.mark.parametrize("copy", ["-1", "0", str(2**63), "1" * 30])
def test_duplicating_a_shift_number_that_cannot_exist_is_not_found(
    client, objects, coordinator, copy
):
    client.force_login(coordinator)
    url = reverse("volunteers:shift_create", args=[objects["slug"]])
    assert client.get(url, {"copy": copy}).status_code == 404
