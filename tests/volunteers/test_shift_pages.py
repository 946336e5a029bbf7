"""The public shift list and shift pages, the organization page and home page sections."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Membership
from tests.conftest import filtered_results, make_organization, make_user
from volunteers.emails import signup_token
from volunteers.models import Shift, SignUp

from .conftest import fill, make_ride, make_shift, make_signup, verify

pytestmark = pytest.mark.django_db

LIST = reverse("volunteers:shift_list")


def soon(days, hour=17):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def make_many(organization, count, first=0):
    """Shifts with a few sign-ups each, as the pages meet them."""
    for i in range(first, first + count):
        shift = make_shift(organization, start=soon(1 + i % 20), title=f"Shift {i:03}", capacity=3)
        fill(shift, 1, tag=f"{i}-")


def test_the_list_shows_upcoming_shifts_soonest_first_with_spots_left(
    client, organization, other_organization
):
    make_shift(organization, start=soon(3), title="Later meal")
    full = make_shift(other_organization, start=soon(2), title="Sooner meal", capacity=1)
    make_signup(full, make_user("a@example.test"))
    make_shift(organization, start=soon(-1), title="Yesterday's meal")
    make_shift(organization, start=soon(4), title="Called off", cancelled_at=timezone.now())
    hidden = make_organization("Hidden House", published=False)
    make_shift(hidden, start=soon(2), title="Hidden meal")

    response = client.get(LIST)

    html = response.text
    assert html.index("Sooner meal") < html.index("Later meal")
    assert "Yesterday" not in html
    assert "Called off" not in html
    assert "Hidden meal" not in html
    assert "5 of 5 spots left" in html
    assert "Full: you can join the waitlist" in html
    assert "2 shifts" in html


def test_a_ride_in_the_list_shows_only_its_general_area(client, organization):
    make_ride(organization, place="Midtown", pickup_point="1234 Secret Street")
    html = client.get(LIST).text
    assert "From Midtown to: Court" in html
    assert "Secret Street" not in html
    assert "Front desk" not in html


def test_filters_by_kind_organization_dates_and_open_spots(
    client, organization, other_organization
):
    make_shift(organization, start=soon(2), title="Rended meal")
    make_ride(organization, start=soon(2), title="Rended ride")
    full = make_shift(other_organization, start=soon(5), title="Justice meal", capacity=1)
    make_signup(full, make_user("a@example.test"))

    def titles(**params):
        html = client.get(LIST, params).text
        return {t for t in ["Rended meal", "Rended ride", "Justice meal"] if t in html}

    assert titles(kind="transport") == {"Rended ride"}
    assert titles(organization="justice-project-kc") == {"Justice meal"}
    assert titles(open="on") == {"Rended meal", "Rended ride"}
    day = soon(5).date().isoformat()
    assert titles(start=day, end=day) == {"Justice meal"}
    assert titles(end=soon(2).date().isoformat()) == {"Rended meal", "Rended ride"}


def test_bad_filter_input_is_explained_and_the_rest_of_the_filter_still_applies(
    client, organization
):
    make_ride(organization, title="Rended ride")
    response = client.get(LIST, {"kind": "transport", "start": "next tuesday", "organization": "x"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.text
    assert 'value="next tuesday"' in response.text
    assert "Select a valid choice" in response.text
    assert "Rended ride" in response.text


def test_htmx_filter_answers_with_the_results_only(client, organization):
    make_shift(organization)
    response = client.get(LIST, {"kind": "meal"}, headers={"HX-Request": "true"})
    filtered_results(response, filters_set=1)
    response = client.get(
        LIST, {"kind": "meal", "open": "on", "start": "2030-01-01"}, headers={"HX-Request": "true"}
    )
    filtered_results(response, filters_set=3)
    response = client.get(LIST, {"page": "2"}, headers={"HX-Request": "true"})
    filtered_results(response, filters_set=0)


def test_the_list_is_paginated_and_pages_keep_the_filter(client, organization):
    make_many(organization, 25)
    response = client.get(LIST, {"kind": "meal"})
    assert "25 shifts" in response.text
    assert "Page 1 of 2" in response.text
    assert "?kind=meal&amp;page=2" in response.text
    second = client.get(LIST, {"kind": "meal", "page": 2})
    assert second.text.count('class="card"') == 5


def test_the_list_runs_the_same_number_of_queries_with_ten_times_the_shifts(
    client, organization, django_assert_num_queries
):
    make_many(organization, 2)
    with django_assert_num_queries(3) as small:
        client.get(LIST)
    make_many(organization, 18, first=2)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert "20 shifts" in response.text


def test_a_long_list_is_counted_only_up_to_the_cap_and_still_pages_on(
    client, organization, monkeypatch
):
    monkeypatch.setattr("volunteers.views.SHIFT_COUNT_CAP", 30)
    make_many(organization, 65)
    response = client.get(LIST)
    assert "30+ shifts" in response.text
    assert "65 shifts" not in response.text
    assert "Page 1 of" not in response.text
    assert "Page 1" in response.text
    assert "?page=2" in response.text
    # Past the cap, each page still finds out whether one more follows.
    third = client.get(LIST, {"page": 3})
    assert third.text.count('class="card"') == 20
    assert "?page=4" in third.text
    assert "30+ shifts" in third.text
    last = client.get(LIST, {"page": 4})
    assert last.text.count('class="card"') == 5
    assert "Next page" not in last.text
    assert "?page=3" in last.text
    # A page beyond the end gives the last one, as before.
    beyond = client.get(LIST, {"page": 9})
    assert beyond.text.count('class="card"') == 5


def test_a_list_at_the_cap_is_counted_exactly(client, organization, monkeypatch):
    monkeypatch.setattr("volunteers.views.SHIFT_COUNT_CAP", 25)
    make_many(organization, 25)
    response = client.get(LIST)
    assert "25 shifts" in response.text
    assert "Page 1 of 2" in response.text


def test_counts_and_the_open_spots_filter_agree_with_the_sign_ups(client, organization):
    full = make_shift(organization, start=soon(1), title="Full shift", capacity=1)
    make_signup(full, make_user("a@example.test"))
    make_signup(full, make_user("b@example.test"), status=SignUp.Status.WAITLISTED)
    make_signup(full, make_user("c@example.test"), status=SignUp.Status.CANCELLED)
    empty = make_shift(organization, start=soon(2), title="Empty shift", capacity=2)
    shifts = {s.pk: s for s in Shift.objects.with_counts()}
    assert (shifts[full.pk].confirmed_count, shifts[full.pk].waitlist_count) == (1, 1)
    assert (shifts[empty.pk].confirmed_count, shifts[empty.pk].waitlist_count) == (0, 0)
    assert list(Shift.objects.with_counts().with_open_spots()) == [empty]
    response = client.get(LIST, {"open": "on"})
    assert "Empty shift" in response.text
    assert "Full shift" not in response.text


def test_the_shift_page_shows_meal_details(client, organization):
    shift = make_shift(
        organization,
        meal_role="bring",
        meal_servings=40,
        dietary_notes="One vegetarian dish, please.",
    )
    html = client.get(shift.get_absolute_url()).text
    assert "Bring food" in html
    assert "40 people" in html
    assert "One vegetarian dish, please." in html
    assert "What will you bring?" in html


def spots_line(client, shift):
    html = client.get(shift.get_absolute_url()).text
    return re.search(r'<strong id="spots-left">(.*?)</strong>', html).group(1)


def test_a_full_shift_offers_its_waitlist_only_to_who_can_still_join_it(
    client, organization, volunteer
):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, volunteer)
    waiting = make_user("waiting@example.test")
    make_signup(shift, waiting, status=SignUp.Status.WAITLISTED)
    started = make_shift(organization, start=soon(0, hour=0), hours=30, capacity=1)
    make_signup(started, make_user("early@example.test"))

    assert spots_line(client, shift) == "Full: you can join the waitlist"
    assert spots_line(client, started) == "Full"
    client.force_login(make_user("newcomer@example.test"))
    assert spots_line(client, shift) == "Full: you can join the waitlist"
    for person in [volunteer, waiting]:
        client.force_login(person)
        assert spots_line(client, shift) == "Full"
    # Someone who lacks a check the shift asks for cannot join its waitlist either.
    checked = make_shift(organization, capacity=1, requires_background_check=True)
    make_signup(checked, make_user("checked@example.test"))
    client.force_login(make_user("unchecked@example.test"))
    assert spots_line(client, checked) == "Full"
    # The one who takes the last spot, through htmx.
    last = make_shift(organization, capacity=1, title="Last spot")
    client.force_login(make_user("last@example.test"))
    box = htmx_box(client, "shift_signup", last)
    assert "You are signed up for this shift." in box
    assert '<strong id="spots-left">Full</strong>' in box


PRIVATE_DETAILS = ["Private ride details", "Plaza library, front entrance", "Front desk"]


def private_details_in(html):
    return [text for text in PRIVATE_DETAILS if text in html]


def test_a_ride_page_shows_public_details_and_hides_private_ones_from_visitors(
    client, organization, volunteer
):
    ride = make_ride(organization, place="Midtown", pickup_window_minutes=20, round_trip=False)
    for user in [None, volunteer]:
        if user:
            client.force_login(user)
        html = client.get(ride.get_absolute_url()).text
        assert "General pickup area" in html
        assert "Midtown" in html
        assert "Court" in html
        assert "No, one way" in html
        assert "Plaza library" not in html
        assert "Front desk" not in html


def test_only_the_confirmed_driver_and_the_coordinators_see_the_pickup_point(
    client, organization, coordinator, other_coordinator, volunteer
):
    ride = make_ride(organization, capacity=1)
    make_signup(ride, volunteer)
    waiting = make_user("waiting@example.test")
    make_signup(ride, waiting, status=SignUp.Status.WAITLISTED)
    cancelled = make_user("cancelled@example.test")
    make_signup(ride, cancelled, status=SignUp.Status.CANCELLED, cancelled_at=timezone.now())
    for user, sees in [
        (volunteer, True),
        (coordinator, True),
        (waiting, False),
        (cancelled, False),
        (other_coordinator, False),
        (None, False),
    ]:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        html = client.get(ride.get_absolute_url()).text
        assert private_details_in(html) == (PRIVATE_DETAILS if sees else []), user


def test_a_coordinator_whose_membership_is_removed_stops_seeing_the_private_details(
    client, organization, coordinator, volunteer
):
    ride = make_ride(organization)
    make_signup(ride, volunteer)
    client.force_login(coordinator)
    assert private_details_in(client.get(ride.get_absolute_url()).text) == PRIVATE_DETAILS
    Membership.objects.filter(user=coordinator).delete()
    # Same session, next page load.
    html = client.get(ride.get_absolute_url()).text
    assert "Ride to a court date" in html
    assert private_details_in(html) == []
    assert client.get(reverse("volunteers:shift_roster", args=[ride.pk])).status_code == 404


def htmx_box(client, view, ride):
    """What the shift page's sign-up box becomes after an htmx POST to `view`."""
    url = reverse(f"volunteers:{view}", args=[ride.pk])
    return client.post(url, headers={"HX-Request": "true"}).text


def test_the_htmx_box_shows_a_confirmed_driver_the_private_details_until_they_cancel(
    client, organization, volunteer
):
    ride = make_ride(organization, capacity=1)
    verify(volunteer, organization, "driver")
    client.force_login(volunteer)
    signed_up = htmx_box(client, "shift_signup", ride)
    assert "You are signed up for this shift." in signed_up
    assert private_details_in(signed_up) == PRIVATE_DETAILS

    cancelled = htmx_box(client, "shift_leave", ride)
    assert "Your place is cancelled." in cancelled
    assert private_details_in(cancelled) == []
    assert private_details_in(client.get(ride.get_absolute_url()).text) == []


def test_the_htmx_box_of_a_driver_put_on_the_waitlist_keeps_the_private_details_out(
    client, organization, volunteer
):
    ride = make_ride(organization, capacity=1)
    make_signup(ride, make_user("driver@example.test"))
    verify(volunteer, organization, "driver")
    client.force_login(volunteer)
    html = htmx_box(client, "shift_signup", ride)
    assert "You are on the waitlist." in html
    assert private_details_in(html) == []


def test_a_pending_guests_link_page_keeps_a_rides_private_details_out(client, organization):
    # A ride that needs no verified driver takes guests.
    ride = make_ride(organization, requires_driver=False, capacity=2)
    make_signup(ride, make_user("driver@example.test"))
    client.post(
        reverse("volunteers:shift_signup", args=[ride.pk]),
        {"name": "Gina Guest", "email": "gina@example.test"},
    )
    guest = SignUp.objects.get(guest_email="gina@example.test")
    assert guest.status == SignUp.Status.PENDING
    html = client.get(reverse("volunteers:signup_link", args=[signup_token(guest)])).text
    assert "Confirm my place" in html
    assert "Midtown" in html
    assert private_details_in(html) == []


def test_a_shift_of_an_unpublished_organization_is_hidden_except_from_its_coordinators(
    client, organization, coordinator, volunteer, other_coordinator
):
    organization.is_published = False
    organization.save()
    shift = make_shift(organization)
    ics = reverse("volunteers:shift_ics", args=[shift.pk])
    for url in [shift.get_absolute_url(), ics]:
        assert client.get(url).status_code == 404, url
    for outsider in [volunteer, other_coordinator]:
        client.force_login(outsider)
        for url in [shift.get_absolute_url(), ics]:
            assert client.get(url).status_code == 404, url
    client.force_login(coordinator)
    assert client.get(shift.get_absolute_url()).status_code == 200
    response = client.get(ics)
    assert response.status_code == 200
    assert b"SUMMARY:Community meal" in response.content


@pytest.mark.parametrize("pk", [0, 2**63, 10**30])
def test_a_shift_number_that_cannot_exist_is_not_found(client, volunteer, pk):
    client.force_login(volunteer)
    assert client.get(reverse("volunteers:shift_detail", args=[pk])).status_code == 404
    signup = reverse("volunteers:shift_signup", args=[pk])
    assert client.post(signup, headers={"HX-Request": "true"}).status_code == 404


def test_an_ineligible_volunteer_sees_why_and_what_to_do(client, organization, volunteer):
    organization.email = "hello@rended-heart.example"
    organization.save()
    shift = make_shift(organization, requires_background_check=True, requires_orientation=True)
    verify(volunteer, organization, "orientation")
    client.force_login(volunteer)
    html = client.get(shift.get_absolute_url()).text
    assert "You cannot sign up for this shift yet." in html
    assert "a background check verified by Rended Heart" in html
    assert "orientation of Rended Heart" not in html
    assert "mailto:hello@rended-heart.example" in html
    assert "Sign me up" not in html


def test_a_shift_with_requirements_asks_visitors_to_log_in(client, organization):
    shift = make_shift(organization, min_age=18)
    html = client.get(shift.get_absolute_url()).text
    assert "needs an account" in html
    assert (
        f'href="{reverse("account_signup")}?next={shift.get_absolute_url()}">create an account'
        in html
    )
    assert "Your email" not in html
    assert "verifies volunteers" not in html  # an age needs no one's verification


def test_a_visitor_learns_how_to_become_a_verified_driver(client, organization):
    organization.phone = "816-555-0199"
    organization.save()
    ride = make_ride(organization)
    html = client.get(ride.get_absolute_url()).text
    assert "Rended Heart verifies volunteers who have signed up for one of its shifts" in html
    assert 'href="tel:816-555-0199"' in html


def test_the_organization_page_lists_its_upcoming_shifts(client, organization, other_organization):
    make_shift(organization, title="Rended meal")
    make_shift(other_organization, title="Justice meal")
    html = client.get(organization.get_absolute_url()).text
    assert "Volunteer shifts" in html
    assert "Rended meal" in html
    assert "Justice meal" not in html
    assert "?organization=rended-heart" in html


def test_the_organization_section_runs_a_constant_number_of_queries(
    client, organization, django_assert_num_queries
):
    make_many(organization, 2)
    url = organization.get_absolute_url()
    # Other apps add their own sections to this page: measure rather than fix the count.
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    make_many(organization, 18, first=2)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_home_page_shows_open_shifts_this_week(client, organization):
    make_shift(organization, start=soon(2), title="This week's meal")
    make_shift(organization, start=soon(12), title="Later meal")
    full = make_shift(organization, start=soon(3), title="Full meal", capacity=1)
    make_signup(full, make_user("a@example.test"))
    html = client.get("/").text
    assert "Shifts this week" in html
    assert "This week&#x27;s meal" in html
    assert "Later meal" not in html
    assert "Full meal" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    "params",
    [
        {"end": "9999-12-31"},
        {"start": "9999-12-31"},
        {"start": "0001-01-01"},
        {"end": "0001-01-01"},
    ],
    ids=["until 9999", "from 9999", "from year 1", "until year 1"],
)
def test_a_day_at_an_end_of_the_calendar_is_explained_and_the_rest_of_the_filter_applies(
    client, organization, params, htmx
):
    make_ride(organization, start=soon(2), title="Rended ride")
    make_shift(organization, start=soon(2), title="Rended meal")
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(LIST, {"kind": "transport", **params}, headers=headers)
    assert response.status_code == 200
    assert "Rended ride" in response.text
    assert "Rended meal" not in response.text
    if not htmx:
        assert "Pick a day from Jan. 1, 2000 to Dec. 31, 2099." in response.text
        assert f'value="{next(iter(params.values()))}"' in response.text
        assert 'min="2000-01-01" max="2099-12-31"' in response.text


@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize("number", ["461168601842738791", "9" * 23])
def test_a_page_number_too_big_for_the_database_gives_the_last_page(
    client, organization, prefix, number
):
    make_many(organization, 25)
    response = client.get(f"{prefix}{LIST}", {"page": number})
    assert response.status_code == 200
    assert response.text.count('class="card"') == 5


@pytest.mark.parametrize("name", ["kind", "organization", "start", "end", "open", "page"])
def test_a_nul_character_in_a_filter_is_bad_input_not_an_error(client, organization, name):
    make_shift(organization, start=soon(2), title="Rended meal")
    response = client.get(LIST, {name: "a\x00"})
    assert response.status_code == 200
    assert "Rended meal" in response.text


def test_a_checkbox_comes_before_its_label_without_a_colon(client, organization, volunteer):
    shift = make_shift(organization, min_age=18)
    client.force_login(volunteer)
    html = client.get(shift.get_absolute_url()).text
    assert (
        '<div class="field--check"><input type="checkbox" name="age_confirmed" required'
        ' id="id_age_confirmed"> <label for="id_age_confirmed">'
        "I am 18 years old or older.</label>"
    ) in html
    assert "older.:" not in html
    response = client.post(reverse("volunteers:shift_signup", args=[shift.pk]))
    assert re.search(
        r'<div class="field--check"><ul class="errorlist" id="id_age_confirmed_error">'
        r"<li>This shift is for volunteers 18 or older: please confirm your age.</li></ul>"
        r'<input type="checkbox" name="age_confirmed" [^>]*'
        r'aria-describedby="id_age_confirmed_error"[^>]*> <label for="id_age_confirmed">',
        response.text,
    )
