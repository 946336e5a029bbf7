"""My shifts: upcoming and past places, hours served, the private calendar feed and .ics files."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from tests.conftest import make_user
from volunteers.models import CalendarFeed, ShiftPolicy, SignUp, volunteer_totals

from .conftest import CHICAGO, NOW, at, make_ride, make_shift, make_signup

pytestmark = pytest.mark.django_db

MINE = reverse("volunteers:my_shifts")
MINE_PAST = reverse("volunteers:my_past_shifts")


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

    upcoming = client.get(MINE).text
    past = client.get(MINE_PAST).text

    for html in (upcoming, past):
        assert "You have served 5.5 hours." in html
        assert "Coming up (1)" in html
        assert "Past (3)" in html
        assert "Cancelled place" not in html
        assert "Not mine" not in html
    assert 'href="/shifts/mine/" aria-current="page">Coming up' in upcoming
    assert 'href="/shifts/mine/past/" aria-current="page">Past' in past
    assert "Next meal" in upcoming and "Next meal" not in past
    assert "Cancel my place" in upcoming
    assert "Last week&#x27;s meal" in past and "Last week" not in upcoming
    assert "3.5 hours" in past
    assert "0 hours" in past  # the no-show


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


@time_machine.travel(NOW, tick=False)
def test_my_shifts_cards_speak_the_language_of_each_visit(client, organization, volunteer):
    make_signup(make_shift(organization, start=at(2, 17), title="Soup night"), volunteer)
    make_signup(
        make_shift(organization, start=at(3, 17), title="Taco night"),
        volunteer,
        status=SignUp.Status.WAITLISTED,
    )
    client.force_login(volunteer)
    with translation.override("es"):
        spanish = reverse("volunteers:my_shifts")
    english_words = [
        "Meal · ",
        "<strong>Confirmed</strong>",
        "<strong>On the waitlist</strong>",
        "Add to my calendar (.ics file)",
        'data-confirm="Cancel your place on Soup night?">Cancel my place</button>',
        'data-confirm="Leave the waitlist of Taco night?">Leave the waitlist</button>',
    ]
    spanish_words = [
        "Comida · ",
        "<strong>Confirmado</strong>",
        "<strong>En la lista de espera</strong>",
        "Agregar a mi calendario (archivo .ics)",
        'data-confirm="¿Cancelar su lugar en Soup night?">Cancelar mi lugar</button>',
        'data-confirm="¿Salir de la lista de espera de Taco night?">'
        "Salir de la lista de espera</button>",
    ]
    # English, Spanish, then English again: words kept for one language never show in
    # the other.
    for path, words, other in [
        (MINE, english_words, spanish_words),
        (spanish, spanish_words, english_words),
        (MINE, english_words, spanish_words),
    ]:
        html = client.get(path).text
        for word in words:
            assert word in html
        for word in other:
            assert word not in html


@pytest.mark.parametrize("path", [MINE, MINE_PAST])
def test_my_shifts_needs_a_login(client, path):
    assert client.get(path).status_code == 302


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [5, 50])
def test_my_shifts_runs_the_same_number_of_queries_whatever_the_number_of_places(
    client, organization, volunteer, django_assert_num_queries, count
):
    for day in range(count):
        make_signup(make_shift(organization, start=at(day - count // 2, 9)), volunteer)
    CalendarFeed.objects.create(user=volunteer)
    client.force_login(volunteer)
    # Session, user with the menu's "Manage" check, the totals, a page of places; and on
    # the upcoming tab, the calendar feed.
    for path, queries in [(MINE, 5), (MINE_PAST, 4)]:
        for query in ["", "?page=2"]:
            with django_assert_num_queries(queries):
                client.get(path + query)


def titles(html):
    return re.findall(r">(Shift \d+)</a>", html)


@time_machine.travel(NOW, tick=False)
def test_past_shifts_come_twenty_a_page_latest_first_with_older_and_newer_links(
    client, organization, volunteer
):
    for day in range(1, 26):
        make_signup(make_shift(organization, start=at(-day, 9), title=f"Shift {day}"), volunteer)
    client.force_login(volunteer)

    html = client.get(MINE_PAST).text

    assert titles(html) == [f"Shift {day}" for day in range(1, 21)]
    assert "Page 1 of 2" in html
    assert 'href="?page=2">Older shifts</a>' in html
    assert "Newer shifts" not in html
    assert "You have served 50 hours." in html  # every page counts

    html = client.get(MINE_PAST + "?page=2").text

    assert titles(html) == [f"Shift {day}" for day in range(21, 26)]
    assert 'href="?page=1">Newer shifts</a>' in html
    assert "Older shifts" not in html
    assert "You have served 50 hours." in html


@time_machine.travel(NOW, tick=False)
def test_upcoming_shifts_come_ten_a_page_soonest_first(client, organization, volunteer):
    for day in range(1, 13):
        make_signup(make_shift(organization, start=at(day, 9), title=f"Shift {day}"), volunteer)
    client.force_login(volunteer)

    html = client.get(MINE).text

    assert titles(html) == [f"Shift {day}" for day in range(1, 11)]
    assert 'href="?page=2">Later shifts</a>' in html
    assert "Coming up (12)" in html

    html = client.get(MINE + "?page=2").text

    assert titles(html) == ["Shift 11", "Shift 12"]
    assert 'href="?page=1">Sooner shifts</a>' in html
    assert titles(client.get(MINE + "?page=99").text) == ["Shift 11", "Shift 12"]


@time_machine.travel(NOW, tick=False)
def test_the_totals_in_sql_follow_the_credited_hours_of_each_place(
    organization, other_organization, volunteer
):
    def place(day, **extra):
        start = extra.pop("start", at(day, 9))
        shift = make_shift(
            organization, start=start, hours=extra.pop("length", 2), **extra.pop("shift", {})
        )
        return make_signup(shift, volunteer, **extra)

    place(-1)  # 2 hours
    place(-2, hours=Decimal("3.5"), length=4)  # the coordinator's hours win
    place(-3, hours=Decimal("0"))  # an adjustment to nothing still wins
    place(-4, attendance=SignUp.Attendance.ATTENDED, length=1.5)
    place(-5, attendance=SignUp.Attendance.NO_SHOW)
    place(-6, status=SignUp.Status.WAITLISTED)
    place(-7, status=SignUp.Status.CANCELLED)
    place(-8, shift={"cancelled_at": at(-9, 9)})  # cancelled by the organization
    place(-9, length=(90 * 60 - 0.5) / 3600)  # 89 whole minutes and 59.5 seconds
    place(-10, length=100 / 60)  # 1 h 40
    place(0, start=at(0, 8, 30))  # under way: not yet
    place(1)  # to come
    place(2, status=SignUp.Status.WAITLISTED)
    make_signup(make_shift(other_organization, start=at(-1, 20)), make_user("x@example.test"))
    now = timezone.now()

    totals = volunteer_totals(volunteer, now)

    rule = sum(s.credited_hours(now) for s in SignUp.objects.filter(volunteer=volunteer))
    assert rule == Decimal(2 + 3.5 + 0 + 1.5) + Decimal(89 + 100) / 60
    # Equal up to Decimal's 28th digit: the rule divides each place's minutes by 60, SQL
    # their sum.
    assert totals["hours"].quantize(Decimal("0.000001")) == rule.quantize(Decimal("0.000001"))
    assert (totals["upcoming"], totals["past"]) == (3, 9)


@time_machine.travel(NOW, tick=False)
def test_the_totals_are_the_asking_volunteers_at_the_moment_asked(organization, volunteer):
    # The query is compiled once; each call brings its own volunteer and moment.
    make_signup(make_shift(organization, start=at(1, 9), hours=2), volunteer)
    other = make_user("other@example.test")
    make_signup(make_shift(organization, start=at(3, 9), hours=1), other)

    assert volunteer_totals(volunteer) == {"upcoming": 1, "past": 0, "hours": 0}
    assert volunteer_totals(volunteer, now=at(2, 9)) == {"upcoming": 0, "past": 1, "hours": 2}
    assert volunteer_totals(other, now=at(4, 9)) == {"upcoming": 0, "past": 1, "hours": 1}


def test_the_totals_of_a_volunteer_without_places_are_zero(volunteer):
    assert volunteer_totals(volunteer) == {
        "upcoming": 0,
        "past": 0,
        "hours": 0,
    }


@time_machine.travel(NOW, tick=False)
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


@time_machine.travel(NOW, tick=False)
def test_a_cancelled_shift_stays_in_the_feed_as_cancelled(client, organization, volunteer):
    make_signup(make_shift(organization, start=at(400, 9), cancelled_at=timezone.now()), volunteer)
    (event,) = parse(client.get(feed_url(volunteer))).events
    assert event["STATUS"] == "CANCELLED"


@time_machine.travel(NOW, tick=False)
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


def test_a_shift_ics_file_is_one_event_to_add_not_a_calendar_of_its_own(client, organization):
    shift = make_shift(organization)
    url = reverse("volunteers:shift_ics", args=[shift.pk])
    first, again = parse(client.get(url)), parse(client.get(url))
    assert "X-WR-CALNAME" not in first and "NAME" not in first
    assert first["UID"] == again["UID"]


@time_machine.travel(NOW, tick=False)
def test_a_changed_shift_is_a_later_version_of_the_same_event(client, organization, volunteer):
    shift = make_shift(organization, start=at(400, 17))
    make_signup(shift, volunteer)
    (before,) = parse(client.get(feed_url(volunteer))).events
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        shift.start, shift.end = at(400, 19), at(400, 21)
        shift.save()
    calendar = parse(client.get(feed_url(volunteer)))
    (after,) = calendar.events
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start == at(400, 19)
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)


@time_machine.travel(NOW, tick=False)
def test_the_feed_speaks_the_volunteers_language_whichever_address_was_copied(client, organization):
    lucia = make_user("lucia@example.test", "Lucía", language="es")
    make_signup(make_shift(organization, start=at(400, 17)), lucia)
    english_address = feed_url(lucia)
    assert not english_address.startswith("/es/")
    response = client.get(english_address)
    assert response["Content-Language"] == "es"
    (event,) = parse(response).events
    assert "Comida" in str(event["DESCRIPTION"])
    assert "/es/shifts/" in str(event["URL"])


def test_my_shifts_gives_the_feed_to_copy_and_to_subscribe_to(client, volunteer):
    client.force_login(volunteer)
    html = client.get(MINE).text
    address = f"testserver{feed_url(volunteer)}"
    assert f'value="http://{address}"' in html
    assert f'<a href="webcal://{address}">Subscribe in my calendar app</a>' in html


def test_a_wrong_or_renewed_feed_token_is_not_found(client, volunteer):
    old = feed_url(volunteer)
    assert client.get(old).status_code == 200
    assert client.get(reverse("volunteers:calendar_feed", args=["guess"])).status_code == 404
    assert client.get("/shifts/calendar/%00.ics").status_code == 404
    client.force_login(volunteer)
    response = client.post(reverse("volunteers:calendar_renew"), follow=True)
    assert "Your calendar has a new address." in response.text
    assert client.get(old).status_code == 404
    assert client.get(feed_url(volunteer)).status_code == 200
    html = client.get(MINE).text
    assert feed_url(volunteer) in html
    assert old not in html


@time_machine.travel(NOW, tick=False)
def test_a_volunteer_cannot_read_another_volunteers_feed(client, organization, volunteer):
    other = make_user("other@example.test")
    make_signup(make_shift(organization, start=at(400, 9), title="Other's shift"), other)
    client.force_login(volunteer)
    mine = client.get(feed_url(volunteer)).content.decode()
    assert "Other's shift" not in mine
    # Only the secret token opens a feed: there is no address by user.
    assert client.get(f"/shifts/calendar/{other.pk}.ics").status_code == 404
