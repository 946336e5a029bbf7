"""My shifts: upcoming and past places, hours served, the private calendar feed and .ics files."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.conftest import make_user
from volunteers.models import CalendarFeed, ShiftPolicy, SignUp

from .conftest import CHICAGO, NOW, at, make_ride, make_shift, make_signup

pytestmark = pytest.mark.django_db

MINE = reverse("volunteers:my_shifts")


def feed_url(user):
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed.get_absolute_url()


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@time_machine.travel(NOW, tick=False)
def test_my_shifts_lists_upcoming_and_past_places_with_hours_served(
    client, organization, volunteer
):
    make_signup(make_shift(organization, start=at(2, 17), title="Next meal"), volunteer)
    make_signup(
        make_shift(organization, start=at(-7, 17), title="Last week's meal", hours=2), volunteer
    )
    make_signup(
        make_shift(organization, start=at(-14, 9), title="Farm day", hours=4),
        volunteer,
        hours=Decimal("3.5"),
    )
    make_signup(
        make_shift(organization, start=at(-21, 9), title="Missed day", hours=4),
        volunteer,
        attendance=SignUp.Attendance.NO_SHOW,
    )
    make_signup(
        make_shift(organization, start=at(3, 9), title="Cancelled place"),
        volunteer,
        status=SignUp.Status.CANCELLED,
    )
    someone_else = make_user("else@example.test")
    make_signup(make_shift(organization, start=at(4, 9), title="Not mine"), someone_else)
    client.force_login(volunteer)

    html = client.get(MINE).text

    assert "You have served 5.50 hours." in html
    upcoming, past = html.split("Past shifts")
    assert "Next meal" in upcoming
    assert "Cancel my place" in upcoming
    assert "Last week&#x27;s meal" in past
    assert "3.50 hours" in past
    assert "0 hours" in past  # the no-show
    assert "Cancelled place" not in html
    assert "Not mine" not in html


@time_machine.travel(NOW, tick=False)
def test_past_the_cut_off_my_shifts_says_to_contact_the_organization(
    client, organization, volunteer
):
    organization.phone = "816-555-0199"
    organization.save()
    ShiftPolicy.objects.create(organization=organization, cancel_cutoff_hours=24)
    make_signup(make_shift(organization, start=at(0, 20)), volunteer)
    client.force_login(volunteer)
    html = client.get(MINE).text
    assert "Cancel my place" not in html
    assert "too close to the start" in html
    assert 'href="tel:816-555-0199"' in html


def test_my_shifts_needs_a_login(client):
    assert client.get(MINE).status_code == 302


@pytest.mark.parametrize("count", [2, 20])
def test_my_shifts_runs_the_same_number_of_queries_whatever_the_number_of_places(
    client, organization, volunteer, django_assert_num_queries, count
):
    for day in range(count):
        make_signup(make_shift(organization, start=at(day - count // 2, 9)), volunteer)
    CalendarFeed.objects.create(user=volunteer)
    client.force_login(volunteer)
    with django_assert_num_queries(5):
        client.get(MINE)


def test_the_feed_has_my_confirmed_shifts_in_kansas_city_time(client, organization, volunteer):
    shift = make_shift(organization, start=at(400, 17), title="Willow Tree meal")
    make_signup(shift, volunteer)
    make_signup(
        make_shift(organization, start=at(402, 9), title="Waiting"),
        volunteer,
        status=SignUp.Status.WAITLISTED,
    )
    make_signup(
        make_shift(organization, start=at(403, 9), title="Someone else's"),
        make_user("x@example.test"),
    )

    calendar = parse(client.get(feed_url(volunteer)))

    (event,) = calendar.events
    assert str(event["SUMMARY"]) == "Willow Tree meal"
    assert event.start == at(400, 17)
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event.end == at(400, 19)
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Chicago"]


def test_a_cancelled_shift_stays_in_the_feed_as_cancelled(client, organization, volunteer):
    make_signup(make_shift(organization, start=at(400, 9), cancelled_at=timezone.now()), volunteer)
    (event,) = parse(client.get(feed_url(volunteer))).events
    assert event["STATUS"] == "CANCELLED"


def test_the_feed_and_the_ics_file_keep_a_rides_private_details_out(
    client, organization, volunteer
):
    ride = make_ride(organization, place="Midtown", start=at(400, 9))
    make_signup(ride, volunteer)
    for url in [feed_url(volunteer), reverse("volunteers:shift_ics", args=[ride.pk])]:
        content = client.get(url).content.decode()
        assert "Midtown" in content
        assert "Plaza library" not in content
        assert "Front desk" not in content


def test_a_shift_ics_file_parses_with_the_right_time_zone(client, organization):
    shift = make_shift(organization, start=at(120, 17, 30), hours=1)  # after the DST change
    response = client.get(reverse("volunteers:shift_ics", args=[shift.pk]))
    assert 'filename="shift-' in response["Content-Disposition"]
    (event,) = parse(response).events
    assert event.start == at(120, 17, 30)
    assert event.start.utcoffset() == timedelta(hours=-5)
    assert event.start.astimezone(CHICAGO).hour == 17
    assert str(event["URL"]).endswith(shift.get_absolute_url())


def test_a_wrong_or_renewed_feed_token_is_not_found(client, volunteer):
    old = feed_url(volunteer)
    assert client.get(old).status_code == 200
    assert client.get(reverse("volunteers:calendar_feed", args=["guess"])).status_code == 404
    client.force_login(volunteer)
    response = client.post(reverse("volunteers:calendar_renew"), follow=True)
    assert "Your calendar has a new address." in response.text
    assert client.get(old).status_code == 404
    assert client.get(feed_url(volunteer)).status_code == 200


def test_a_volunteer_cannot_read_another_volunteers_feed(client, organization, volunteer):
    other = make_user("other@example.test")
    make_signup(make_shift(organization, start=at(400, 9), title="Other's shift"), other)
    client.force_login(volunteer)
    mine = client.get(feed_url(volunteer)).content.decode()
    assert "Other's shift" not in mine
    # Only the secret token opens a feed: there is no address by user.
    assert client.get(f"/shifts/calendar/{other.pk}.ics").status_code == 404
