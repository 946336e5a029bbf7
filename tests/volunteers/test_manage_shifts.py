"""Coordinators create, edit, duplicate and cancel shifts and weekly series."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from volunteers.emails import signup_token
from volunteers.models import Shift, ShiftPolicy, SignUp, TransportDetails

from .conftest import CHICAGO, NOW, at, make_ride, make_shift, make_signup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HTMX = {"HX-Request": "true"}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def create_url(organization):
    return reverse("volunteers:shift_create", args=[organization.slug])


def shift_data(**overrides):
    data = {
        "kind": "meal",
        "title": "Willow Tree Room dinner",
        "description": "Serve a hot meal.",
        "date": at(1, 0).date().isoformat(),  # Tuesday
        "start_time": "17:00",
        "end_time": "19:00",
        "place": "Willow Tree Room, 3936 Troost",
        "capacity": "6",
        "min_age": "",
        "meal_role": "serve",
        "meal_servings": "40",
        "dietary_notes": "",
        "destination": "",
        "round_trip": "on",
        "pickup_window_minutes": "15",
        "pickup_point": "",
        "ask_for": "",
        "weeks": "1",
    }
    data.update(overrides)
    return data


def edit_data(shift, **overrides):
    start = timezone.localtime(shift.start)
    current = {
        "kind": shift.kind,
        "title": shift.title,
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": timezone.localtime(shift.end).strftime("%H:%M"),
        "place": shift.place,
        "capacity": str(shift.capacity),
        "meal_role": shift.meal_role,
        "destination": shift.destination,
        "scope": "one",
    }
    return shift_data(**{**current, **overrides})


def test_coordinator_posts_a_shift_in_kansas_city_time(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(create_url(organization), shift_data())
    shift = Shift.objects.get()
    assert response["Location"] == reverse("volunteers:shift_roster", args=[shift.pk])
    assert (shift.start, shift.end) == (at(1, 17), at(1, 19))
    assert shift.organization == organization
    assert shift.series is None


def test_coordinator_creates_a_weekly_series_that_keeps_its_local_time_across_dst(
    client, organization, coordinator
):
    client.force_login(coordinator)
    client.post(create_url(organization), shift_data(weeks="12"))
    shifts = list(Shift.objects.order_by("start"))
    assert len(shifts) == 12
    assert len({s.series_id for s in shifts}) == 1
    assert shifts[0].series_id is not None
    for week, shift in enumerate(shifts):
        local = timezone.localtime(shift.start)
        assert local.date() == at(1 + 7 * week, 0).date()
        assert local.weekday() == 1
        assert (local.time(), timezone.localtime(shift.end).time()) == (time(17), time(19))
    # Daylight saving time starts on 8 March 2026: the UTC hour moves, the local one does not.
    assert shifts[0].start.astimezone(timezone.UTC).hour == 23
    assert shifts[2].start.astimezone(timezone.UTC).hour == 22


def test_bad_input_is_explained_next_to_the_field_and_kept(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(
        create_url(organization),
        shift_data(end_time="16:00", capacity="0", meal_role="", weeks="80", title=""),
    )
    assert response.status_code == 200
    html = response.text
    assert "The shift must end after it starts." in html
    assert "Ensure this value is greater than or equal to 1." in html
    assert "Say whether volunteers serve or bring food." in html
    assert "Ensure this value is less than or equal to 52." in html
    assert "This field is required." in html
    assert 'value="16:00"' in html
    assert 'value="Willow Tree Room, 3936 Troost"' in html
    assert not Shift.objects.exists()


def test_a_shift_cannot_be_posted_in_the_past(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(create_url(organization), shift_data(date=at(-1, 0).date().isoformat()))
    assert "Pick a day and time that are still to come." in response.text
    assert not Shift.objects.exists()


# Daylight saving time starts on 8 March 2026 and 14 March 2027 at 2:00, and ends on
# 1 November 2026 at 2:00, in Kansas City.
SKIPPED = "The clocks go forward on {day}, so there is no 2:30 a.m. that day."


def test_a_time_the_clocks_skip_is_explained_next_to_it(client, organization, coordinator):
    client.force_login(coordinator)
    data = shift_data(date="2026-03-08", start_time="02:30", end_time="03:00")
    response = client.post(create_url(organization), data)
    assert response.status_code == 200
    assert SKIPPED.format(day="March 8, 2026") in response.text
    assert 'value="02:30"' in response.text
    assert not Shift.objects.exists()
    shift = make_shift(organization, start=at(3, 17))
    response = client.post(
        reverse("volunteers:shift_edit", args=[shift.pk]),
        edit_data(shift, date="2026-03-08", start_time="02:30", end_time="03:00"),
    )
    assert SKIPPED.format(day="March 8, 2026") in response.text
    shift.refresh_from_db()
    assert shift.start == at(3, 17)


def test_a_weekly_series_with_a_week_whose_time_the_clocks_skip_is_explained(
    client, organization, coordinator
):
    client.force_login(coordinator)
    data = shift_data(date="2027-03-07", start_time="02:30", end_time="04:00", weeks="2")
    response = client.post(create_url(organization), data)
    assert response.status_code == 200
    assert SKIPPED.format(day="March 14, 2027") in response.text
    assert not Shift.objects.exists()


def test_moving_the_rest_of_a_series_to_a_time_the_clocks_skip_is_explained(
    client, organization, coordinator
):
    client.force_login(coordinator)
    client.post(create_url(organization), shift_data(date="2027-03-07", weeks="2"))
    first, second = Shift.objects.order_by("start")
    response = client.post(
        reverse("volunteers:shift_edit", args=[first.pk]),
        edit_data(first, start_time="02:30", end_time="04:00", scope="following"),
    )
    assert response.status_code == 200
    assert SKIPPED.format(day="March 14, 2027") in response.text
    assert [s.start for s in Shift.objects.order_by("start")] == [first.start, second.start]


def test_a_time_the_clocks_pass_twice_is_its_first(client, organization, coordinator):
    client.force_login(coordinator)
    data = shift_data(date="2026-10-25", start_time="01:30", end_time="02:30", weeks="2")
    response = client.post(create_url(organization), data)
    assert response.status_code == 302
    first, second = Shift.objects.order_by("start")
    # 1:30 daylight time, then 2:30 standard time: the clocks went back in between.
    assert (second.start, second.end) == (
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
    )
    response = client.post(
        reverse("volunteers:shift_edit", args=[first.pk]),
        edit_data(first, start_time="01:15", scope="following"),
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.start == datetime(2026, 11, 1, 6, 15, tzinfo=UTC)


# NOW is 2 March 2026: shifts can be posted until 1 March 2028.
@pytest.mark.parametrize(
    ("changes", "field", "day"),
    [
        (
            {"date": "9999-12-31", "start_time": "23:00", "end_time": "23:59"},
            "date",
            "Dec. 31, 9999",
        ),
        ({"date": "9999-12-25", "weeks": "2"}, "date", "Dec. 25, 9999"),
        ({"date": "2028-03-02"}, "date", "March 2, 2028"),
        ({"date": "2028-02-23", "weeks": "3"}, "weeks", "March 8, 2028"),
    ],
    ids=["year 9999", "series in year 9999", "a day too far", "a series too long"],
)
def test_a_shift_more_than_two_years_ahead_is_explained_next_to_the_field(
    client, organization, coordinator, changes, field, day
):
    client.force_login(coordinator)
    response = client.post(create_url(organization), shift_data(**changes))
    assert response.status_code == 200
    errors = re.search(rf'id="id_{field}_error">(.*?)</ul>', response.text).group(1)
    assert f"Shifts can be posted up to two years ahead: {day} is too far." in errors
    assert not Shift.objects.exists()
    response = client.post(create_url(organization), shift_data(date="2028-02-23", weeks="2"))
    assert response.status_code == 302
    assert Shift.objects.count() == 2


def test_editing_a_shift_saved_too_far_ahead_explains_it_once_beside_the_day(
    client, organization, coordinator
):
    # Saved before the admin checked how far ahead a shift may be.
    far = make_shift(organization, start=datetime(9999, 12, 31, 10, tzinfo=CHICAGO))
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:shift_edit", args=[far.pk]), edit_data(far, title="Renamed")
    )
    assert response.status_code == 200
    message = "Shifts can be posted up to two years ahead: Dec. 31, 9999 is too far."
    assert response.text.count(message) == 1
    errors = re.search(r'id="id_date_error">(.*?)</ul>', response.text).group(1)
    assert message in errors
    far.refresh_from_db()
    assert far.title == "Community meal"


def test_htmx_errors_swap_the_form_and_success_loads_the_roster(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(create_url(organization), shift_data(title=""), headers=HTMX)
    assert response.text.lstrip().startswith('<form id="shift-form"')
    response = client.post(create_url(organization), shift_data(), headers=HTMX)
    shift = Shift.objects.get()
    assert response["HX-Redirect"] == reverse("volunteers:shift_roster", args=[shift.pk])


def test_a_ride_always_needs_a_verified_driver_and_keeps_its_private_details(
    client, organization, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        create_url(organization),
        shift_data(
            kind="transport",
            title="Ride to court",
            place="Midtown",
            meal_role="",
            destination="court",
            pickup_point="Library entrance on Main",
            ask_for="Front desk",
        ),
    )
    assert response.status_code == 302
    ride = Shift.objects.get()
    assert ride.requires_driver is True
    assert ride.private_details.pickup_point == "Library entrance on Main"
    assert ride.private_details.ask_for == "Front desk"


def test_a_ride_needs_a_destination(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(
        create_url(organization), shift_data(kind="transport", meal_role="", destination="")
    )
    assert "Choose where the ride goes." in response.text


def test_editing_a_shift_emails_the_people_coming_without_private_details(
    client, organization, coordinator, volunteer
):
    ride = make_ride(organization, start=at(3, 9))
    make_signup(ride, volunteer)
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:shift_edit", args=[ride.pk]),
        edit_data(
            ride,
            start_time="10:00",
            end_time="12:00",
            meal_role="",
            destination="court",
            pickup_point="New secret corner",
            ask_for="Front desk",
        ),
    )
    assert response.status_code == 302
    ride.refresh_from_db()
    assert ride.start == at(3, 10)
    assert TransportDetails.objects.get(shift=ride).pickup_point == "New secret corner"
    (email,) = mail.outbox
    assert email.subject == "Changed: Ride to a court date"
    assert "10 a.m." in email.body
    assert "secret" not in email.body


def test_editing_without_changing_what_volunteers_see_sends_nothing(
    client, organization, coordinator, volunteer
):
    shift = make_shift(organization, start=at(3, 17))
    make_signup(shift, volunteer)
    client.force_login(coordinator)
    client.post(
        reverse("volunteers:shift_edit", args=[shift.pk]), edit_data(shift, description="More")
    )
    assert mail.outbox == []


def make_series(client, organization, coordinator, weeks=4):
    client.force_login(coordinator)
    client.post(create_url(organization), shift_data(weeks=str(weeks)))
    return list(Shift.objects.order_by("start"))


def test_editing_one_occurrence_leaves_the_rest_of_the_series(client, organization, coordinator):
    shifts = make_series(client, organization, coordinator)
    second = shifts[1]
    client.post(
        reverse("volunteers:shift_edit", args=[second.pk]),
        edit_data(second, title="Thanksgiving dinner", capacity="10"),
    )
    titles = list(Shift.objects.order_by("start").values_list("title", "capacity"))
    assert titles == [
        ("Willow Tree Room dinner", 6),
        ("Thanksgiving dinner", 10),
        ("Willow Tree Room dinner", 6),
        ("Willow Tree Room dinner", 6),
    ]


def test_editing_the_rest_of_a_series_changes_this_and_later_occurrences(
    client, organization, coordinator
):
    shifts = make_series(client, organization, coordinator)
    second = shifts[1]
    client.post(
        reverse("volunteers:shift_edit", args=[second.pk]),
        edit_data(second, start_time="18:00", end_time="20:30", capacity="8", scope="following"),
    )
    rows = [
        (timezone.localtime(s.start).time(), timezone.localtime(s.end).time(), s.capacity)
        for s in Shift.objects.order_by("start")
    ]
    assert rows == [
        (time(17), time(19), 6),
        (time(18), time(20, 30), 8),
        (time(18), time(20, 30), 8),
        (time(18), time(20, 30), 8),
    ]
    dates = [timezone.localtime(s.start).date() for s in Shift.objects.order_by("start")]
    assert dates == [timezone.localtime(s.start).date() for s in shifts]


def test_moving_the_rest_of_a_series_to_another_weekday_moves_each_week(
    client, organization, coordinator
):
    shifts = make_series(client, organization, coordinator, weeks=3)
    first = shifts[0]
    client.post(
        reverse("volunteers:shift_edit", args=[first.pk]),
        edit_data(first, date=at(3, 0).date().isoformat(), scope="following"),  # Thursday
    )
    days = [timezone.localtime(s.start).date() for s in Shift.objects.order_by("start")]
    assert days == [at(3, 0).date(), at(10, 0).date(), at(17, 0).date()]


def test_capacity_cannot_go_below_the_confirmed_volunteers(
    client, organization, coordinator, volunteer
):
    shift = make_shift(organization, capacity=2)
    make_signup(shift, volunteer)
    make_signup(shift, make_user("b@example.test"))
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:shift_edit", args=[shift.pk]), edit_data(shift, capacity="1")
    )
    assert response.status_code == 200
    assert "already has more confirmed volunteers than that" in response.text
    assert 'value="1"' in response.text
    shift.refresh_from_db()
    assert shift.capacity == 2


def test_more_spots_promote_the_waitlist(client, organization, coordinator, volunteer):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, make_user("a@example.test"))
    waiting = make_signup(shift, volunteer, status=SignUp.Status.WAITLISTED)
    client.force_login(coordinator)
    client.post(reverse("volunteers:shift_edit", args=[shift.pk]), edit_data(shift, capacity="2"))
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    assert "A spot opened" in mail.outbox[-1].subject


def test_duplicate_prefills_the_form_a_week_later(client, organization, coordinator):
    ride = make_ride(organization, start=at(2, 9), title="Ride to the dentist")
    client.force_login(coordinator)
    html = client.get(create_url(organization), {"copy": ride.pk}).text
    assert 'value="Ride to the dentist"' in html
    assert f'value="{at(9, 0).date().isoformat()}"' in html
    assert 'value="09:00"' in html
    assert "Plaza library, front entrance" in html


def test_duplicating_a_shift_far_ahead_prefills_the_last_day_it_may_have(
    client, organization, coordinator
):
    far = make_shift(organization, start=datetime(9999, 12, 31, 10, tzinfo=CHICAGO))
    client.force_login(coordinator)
    response = client.get(create_url(organization), {"copy": far.pk})
    assert response.status_code == 200
    assert 'value="2028-03-01"' in response.text


def test_duplicating_another_organizations_shift_is_not_found(
    client, organization, other_organization, coordinator
):
    theirs = make_shift(other_organization)
    client.force_login(coordinator)
    assert client.get(create_url(organization), {"copy": theirs.pk}).status_code == 404
    assert client.get(create_url(organization), {"copy": "abc"}).status_code == 404


def test_cancelling_a_shift_tells_everyone_who_held_a_place(
    client, organization, coordinator, volunteer
):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, volunteer)
    make_signup(shift, make_user("w@example.test"), status=SignUp.Status.WAITLISTED)
    client.force_login(coordinator)
    assert (
        "Cancel the shift" in client.get(reverse("volunteers:shift_cancel", args=[shift.pk])).text
    )
    client.post(reverse("volunteers:shift_cancel", args=[shift.pk]))
    shift.refresh_from_db()
    assert shift.is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == ["volunteer@example.test", "w@example.test"]
    assert mail.outbox[0].subject == "Cancelled: Community meal"
    # Neither its page, the volunteer's list nor the page its emails link to offers it for
    # a calendar any more.
    client.force_login(volunteer)
    place = SignUp.objects.get(volunteer=volunteer)
    link = reverse("volunteers:signup_link", args=[signup_token(place)])
    for url in [shift.get_absolute_url(), reverse("volunteers:my_shifts"), link]:
        page = client.get(url).text
        assert "cancelled" in page.lower()
        assert reverse("volunteers:shift_ics", args=[shift.pk]) not in page


def test_a_shift_that_is_over_cannot_be_cancelled(client, organization, coordinator, volunteer):
    shift = make_shift(organization, start=timezone.now() - timedelta(days=1))
    make_signup(shift, volunteer)
    client.force_login(coordinator)
    roster = client.get(reverse("volunteers:shift_roster", args=[shift.pk])).text
    assert "Cancel the shift" not in roster
    url = reverse("volunteers:shift_cancel", args=[shift.pk])
    for response in [client.get(url), client.post(url)]:
        assert response.status_code == 200
        assert "This shift is over: there is nothing left to cancel." in response.text
        assert 'class="button button--danger"' not in response.text
    shift.refresh_from_db()
    assert not shift.is_cancelled
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("closing", "reason"),
    [("start", "This shift is over"), ("cancelled_at", "This shift is cancelled")],
    ids=["over", "cancelled"],
)
def test_a_shift_that_is_over_or_cancelled_cannot_be_edited(
    client, organization, coordinator, volunteer, closing, reason
):
    shift = make_shift(organization, capacity=1, **{closing: timezone.now() - timedelta(days=1)})
    make_signup(shift, volunteer)
    waiting = make_signup(shift, make_user("waiting@example.org"), status=SignUp.Status.WAITLISTED)
    client.force_login(coordinator)
    edit_url = reverse("volunteers:shift_edit", args=[shift.pk])
    for page in ["shift_roster", "shift_detail"]:
        assert edit_url not in client.get(reverse(f"volunteers:{page}", args=[shift.pk])).text
    listing = reverse("volunteers:manage_shifts", args=[organization.slug])
    assert edit_url not in client.get(listing, {"show": "past"}).text + client.get(listing).text
    changes = edit_data(shift, title="Renamed", place="Elsewhere", capacity="5")
    for response in [
        client.get(edit_url),
        client.post(edit_url, changes),
        client.post(edit_url, changes, headers=HTMX),
    ]:
        assert response.status_code == 200
        assert reason in response.text
        assert 'id="shift-form"' in response.text
        assert "Save changes" not in response.text
    shift.refresh_from_db()
    waiting.refresh_from_db()
    assert (shift.title, shift.capacity) == ("Community meal", 1)
    assert waiting.status == SignUp.Status.WAITLISTED
    assert mail.outbox == []


def test_cancelling_the_rest_of_a_series(client, organization, coordinator):
    shifts = make_series(client, organization, coordinator)
    client.post(reverse("volunteers:shift_cancel", args=[shifts[2].pk]), {"scope": "following"})
    cancelled = [s.is_cancelled for s in Shift.objects.order_by("start")]
    assert cancelled == [False, False, True, True]


def test_the_shifts_page_lists_upcoming_or_past_shifts_with_counts(
    client, organization, other_organization, coordinator, volunteer
):
    shift = make_shift(organization, start=at(2, 17), title="Upcoming dinner", capacity=4)
    make_signup(shift, volunteer)
    make_shift(organization, start=at(-2, 17), title="Old dinner")
    make_shift(other_organization, start=at(2, 17), title="Their dinner")
    client.force_login(coordinator)
    url = reverse("volunteers:manage_shifts", args=[organization.slug])
    html = client.get(url).text
    assert "Upcoming dinner" in html
    assert "1 of 4 confirmed, 0 on the waitlist" in html
    assert "Old dinner" not in html
    assert "Their dinner" not in html
    assert "Old dinner" in client.get(url, {"show": "past"}).text


def test_the_shifts_page_runs_a_constant_number_of_queries(
    client, organization, coordinator, django_assert_num_queries
):
    def add(count):
        for i in range(count):
            shift = make_shift(organization, start=at(1 + i, 17))
            make_signup(shift, make_user(f"p{Shift.objects.count()}@example.test"))

    add(2)
    client.force_login(coordinator)
    url = reverse("volunteers:manage_shifts", args=[organization.slug])
    with django_assert_num_queries(6) as small:
        client.get(url)
    add(18)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_coordinator_sets_the_cancellation_cut_off(client, organization, coordinator):
    client.force_login(coordinator)
    url = reverse("volunteers:manage_shifts", args=[organization.slug])
    response = client.post(url, {"cancel_cutoff_hours": "abc"})
    assert "Enter a whole number." in response.text
    client.post(url, {"cancel_cutoff_hours": "48"})
    assert ShiftPolicy.objects.get(organization=organization).cancel_cutoff_hours == 48


def test_the_list_flags_a_ride_still_without_its_exact_pickup_point(
    client, organization, coordinator
):
    make_ride(organization, title="Ride to court")
    bare = make_ride(organization, title="Ride to the clinic", pickup_point="")
    imported = make_ride(organization, title="Ride to the DMV")
    TransportDetails.objects.filter(shift=imported).delete()  # as a spreadsheet makes it
    make_shift(organization, title="Community meal")
    client.force_login(coordinator)
    page = client.get(reverse("volunteers:manage_shifts", args=[organization.slug])).text
    cards = {
        title: card
        for card in page.split('<li><article class="card">')[1:]
        for title in [re.search(r"<h3[^>]*><a [^>]*>(.*?)</a>", card).group(1)]
    }
    flag = "No exact pickup point yet: the driver will not know where to go."
    assert set(cards) == {
        "Ride to court",
        "Ride to the clinic",
        "Ride to the DMV",
        "Community meal",
    }
    assert {title for title, card in cards.items() if flag in card} == {
        "Ride to the clinic",
        "Ride to the DMV",
    }
    assert reverse("volunteers:shift_edit", args=[bare.pk]) in cards["Ride to the clinic"]
    roster = client.get(reverse("volunteers:shift_roster", args=[imported.pk])).text
    assert "Not set yet: edit the shift to add it" in roster
