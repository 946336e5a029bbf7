"""The staff admin's dates and times: a value at an end of the calendar is refused beside
its field, with the same rule and message as the rest of the site, instead of failing as
the database converts it to UTC; a value in range still saves. Only site staff get in.
Staff cannot confirm more people on a shift than it has spots, either."""

import re

import pytest
import time_machine
from django.urls import reverse

from needs.donations.models import DonationGoal
from needs.models import Need
from tests.conftest import MIDDAY, make_user
from tests.needs.conftest import make_need
from tests.needs.donation_helpers import make_monthly_gift
from tests.volunteers.conftest import make_shift, make_signup
from volunteers.models import Shift, SignUp, Verification

pytestmark = pytest.mark.django_db

# A late evening of the calendar's last day is already the year 10000 in UTC.
LAST_EVENING = ("9999-12-31", "23:00")
FIRST_MORNING = ("0001-01-01", "00:00")
EXTREMES = pytest.mark.parametrize(
    "day_time", [LAST_EVENING, FIRST_MORNING], ids=["year 9999", "year 1"]
)
OUT_OF_RANGE = "Pick a day from Jan. 1, 2000 to Dec. 31, 2099."


@pytest.fixture(autouse=True)
def _midday():
    with time_machine.travel(MIDDAY, tick=False):
        yield


@pytest.fixture
def staff(client):
    client.force_login(make_user("staff@example.test", is_staff=True, is_superuser=True))
    return client


def moment(field, day, time):
    """A datetime as the admin's split date and time inputs post it."""
    return {f"{field}_0": day, f"{field}_1": time}


def field_errors(response, field):
    """The errors the admin page shows beside `field`."""
    match = re.search(rf'id="id_{field}_error">(.*?)</ul>', response.text, re.S)
    return match.group(1) if match else ""


def add_and_change(client, name, pk, data):
    """The admin's add page and the change page of object `pk`, both sent `data`."""
    return [
        client.post(reverse(f"admin:{name}_add"), data),
        client.post(reverse(f"admin:{name}_change", args=[pk]), data),
    ]


def shift_form(organization, **changes):
    """What the admin's shift page posts: a meal on 10 March 2026, without sign-ups."""
    return {
        "organization": organization.pk,
        "kind": Shift.Kind.MEAL,
        "title": "Community meal",
        **moment("start", "2026-03-10", "17:00"),
        **moment("end", "2026-03-10", "19:00"),
        "place": "Willow Tree Room",
        "capacity": "5",
        "meal_role": Shift.MealRole.SERVE,
        "round_trip": "on",
        "pickup_window_minutes": "15",
        "private_details-TOTAL_FORMS": "0",
        "private_details-INITIAL_FORMS": "0",
        "signups-TOTAL_FORMS": "0",
        "signups-INITIAL_FORMS": "0",
        **changes,
    }


def signup_form(shift, volunteer, **changes):
    return {
        "shift": shift.pk,
        "volunteer": volunteer.pk,
        "language": "en",
        "status": SignUp.Status.CONFIRMED,
        **moment("queued_at", "2026-03-01", "09:00"),
        **changes,
    }


def goal_form(organization, **changes):
    return {
        "organization": organization.pk,
        "title": "Winter coats",
        "target_cents": "90000",
        "period": DonationGoal.Period.CAMPAIGN,
        "starts_on": "2026-03-01",
        "ends_on": "2026-04-30",
        "is_active": "on",
        **changes,
    }


def user_form(user, **changes):
    return {
        "email": user.email,
        "name": user.name,
        "is_active": "on",
        **moment("date_joined", "2026-01-05", "10:00"),
        **changes,
    }


@pytest.mark.parametrize(
    ("day_time", "message"),
    [
        (LAST_EVENING, "Shifts can be posted up to two years ahead: Dec. 31, 9999 is too far."),
        (FIRST_MORNING, OUT_OF_RANGE),
    ],
    ids=["year 9999", "year 1"],
)
def test_a_shift_at_an_end_of_the_calendar_is_refused_beside_its_times(
    staff, organization, day_time, message
):
    shift = make_shift(organization)
    day, time = day_time
    far = shift_form(organization, **moment("start", day, time), **moment("end", day, "23:59"))
    for response in add_and_change(staff, "volunteers_shift", shift.pk, far):
        assert response.status_code == 200
        assert message in field_errors(response, "start")
        assert message in field_errors(response, "end")
    assert Shift.objects.get() == shift
    assert (Shift.objects.get().start, Shift.objects.get().end) == (shift.start, shift.end)


@EXTREMES
def test_a_shift_cancelled_at_an_end_of_the_calendar_is_refused(staff, organization, day_time):
    shift = make_shift(organization)
    far = shift_form(organization, **moment("cancelled_at", *day_time))
    for response in add_and_change(staff, "volunteers_shift", shift.pk, far):
        assert response.status_code == 200
        assert OUT_OF_RANGE in field_errors(response, "cancelled_at")
    assert Shift.objects.get() == shift
    assert Shift.objects.get().cancelled_at is None


def test_a_shift_up_to_two_years_ahead_saves_in_the_admin(staff, organization):
    shift = make_shift(organization)
    # MIDDAY is 4 March 2026: shifts can be posted until 3 March 2028.
    last = {**moment("start", "2028-03-03", "17:00"), **moment("end", "2028-03-03", "19:00")}
    for response in add_and_change(staff, "volunteers_shift", shift.pk, shift_form(organization)):
        assert response.status_code == 302
    response = staff.post(
        reverse("admin:volunteers_shift_change", args=[shift.pk]),
        shift_form(organization, **last, **moment("cancelled_at", "2026-03-04", "11:00")),
    )
    assert response.status_code == 302
    assert Shift.objects.count() == 2
    shift.refresh_from_db()
    assert shift.start.isoformat() == "2028-03-03T23:00:00+00:00"
    assert shift.is_cancelled


@pytest.mark.parametrize("field", ["queued_at", "reminded_for", "still_coming_at", "cancelled_at"])
@EXTREMES
def test_a_sign_up_moment_at_an_end_of_the_calendar_is_refused(
    staff, organization, volunteer, field, day_time
):
    shift = make_shift(organization)
    signup = make_signup(shift, volunteer)
    before = getattr(signup, field)
    far = {**moment(field, *day_time), "status": SignUp.Status.CANCELLED}
    responses = [
        staff.post(
            reverse("admin:volunteers_signup_add"),
            signup_form(shift, make_user("another@example.test"), **far),
        ),
        staff.post(
            reverse("admin:volunteers_signup_change", args=[signup.pk]),
            signup_form(shift, volunteer, **far),
        ),
    ]
    for response in responses:
        assert response.status_code == 200
        assert OUT_OF_RANGE in field_errors(response, field)
    assert SignUp.objects.get() == signup
    signup.refresh_from_db()
    assert (signup.status, getattr(signup, field)) == (SignUp.Status.CONFIRMED, before)


def test_sign_up_moments_in_range_save_in_the_admin(staff, organization, volunteer):
    shift = make_shift(organization)
    signup = make_signup(shift, volunteer)
    data = signup_form(shift, volunteer, status=SignUp.Status.CANCELLED)
    for name in ["reminded_for", "still_coming_at", "cancelled_at"]:
        data.update(moment(name, "2026-03-04", "11:00"))
    response = staff.post(reverse("admin:volunteers_signup_change", args=[signup.pk]), data)
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.cancelled_at.isoformat() == "2026-03-04T17:00:00+00:00"
    response = staff.post(
        reverse("admin:volunteers_signup_add"), signup_form(shift, make_user("b@example.test"))
    )
    assert response.status_code == 302
    assert SignUp.objects.count() == 2


@pytest.mark.parametrize("field", ["starts_on", "ends_on"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"], ids=["year 9999", "year 1"])
def test_a_goal_date_far_from_today_is_refused_beside_it(staff, organization, field, day):
    goal = DonationGoal.objects.create(organization=organization, title="Rent", target_cents=500)
    for response in add_and_change(
        staff, "needs_donationgoal", goal.pk, goal_form(organization, **{field: day})
    ):
        assert response.status_code == 200
        assert "Choose a date within five years of today." in field_errors(response, field)
    assert DonationGoal.objects.get() == goal
    goal.refresh_from_db()
    assert (goal.title, goal.starts_on, goal.ends_on) == ("Rent", None, None)
    # The public pages that count the goal's gifts keep working.
    for page in [
        organization.get_absolute_url(),
        reverse("needs:donate", args=[organization.slug]),
    ]:
        assert staff.get(page).status_code == 200


def test_goal_dates_within_five_years_save_in_the_admin(staff, organization):
    goal = DonationGoal.objects.create(organization=organization, title="Rent", target_cents=500)
    in_range = goal_form(organization, starts_on="2021-03-06", ends_on="2031-03-03")
    for response in add_and_change(staff, "needs_donationgoal", goal.pk, in_range):
        assert response.status_code == 302
    assert DonationGoal.objects.filter(ends_on="2031-03-03").count() == 2


@pytest.mark.parametrize("field", ["last_login", "date_joined"])
@EXTREMES
def test_a_user_date_at_an_end_of_the_calendar_is_refused(staff, volunteer, field, day_time):
    before = getattr(volunteer, field)
    url = reverse("admin:core_user_change", args=[volunteer.pk])
    response = staff.post(url, user_form(volunteer, name="Renamed", **moment(field, *day_time)))
    assert response.status_code == 200
    assert OUT_OF_RANGE in field_errors(response, field)
    volunteer.refresh_from_db()
    assert (volunteer.name, getattr(volunteer, field)) == ("Val Volunteer", before)


def test_user_dates_in_range_save_in_the_admin(staff, volunteer):
    url = reverse("admin:core_user_change", args=[volunteer.pk])
    data = user_form(volunteer, **moment("last_login", "2026-03-02", "08:30"))
    assert staff.post(url, data).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.last_login.isoformat() == "2026-03-02T14:30:00+00:00"
    assert volunteer.date_joined.isoformat() == "2026-01-05T16:00:00+00:00"


def need_form(organization, **changes):
    return {
        "organization": organization.pk,
        "title": "Hygiene kits",
        "category": "hygiene",
        "priority": "normal",
        "quantity_needed": "10",
        "status": "open",
        "needed_by": "2026-04-01",
        **changes,
    }


def make_verification(organization, volunteer):
    return Verification.objects.create(
        volunteer=volunteer, organization=organization, kind="driver", expires_on="2027-01-05"
    )


def verification_form(staff, organization, volunteer, **changes):
    return {
        "volunteer": volunteer.pk,
        "organization": organization.pk,
        "granted_by": staff.session["_auth_user_id"],
        "kind": Verification.Kind.DRIVER,
        "expires_on": "2027-03-10",
        **changes,
    }


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"], ids=["year 9999", "year 1"])
def test_a_need_or_verification_day_at_an_end_of_the_calendar_is_refused(
    staff, organization, volunteer, day
):
    need = make_need(organization, needed_by=None)
    verification = make_verification(organization, volunteer)
    for name, pk, form, field in [
        ("needs_need", need.pk, need_form(organization, needed_by=day), "needed_by"),
        (
            "volunteers_verification",
            verification.pk,
            verification_form(staff, organization, volunteer, expires_on=day),
            "expires_on",
        ),
    ]:
        for response in add_and_change(staff, name, pk, form):
            assert response.status_code == 200
            assert OUT_OF_RANGE in field_errors(response, field)
    assert Need.objects.get().needed_by is None
    assert Verification.objects.get().expires_on.isoformat() == "2027-01-05"


def test_need_and_verification_days_in_range_save_in_the_admin(staff, organization, volunteer):
    need = make_need(organization)
    verification = make_verification(organization, volunteer)
    for response in [
        *add_and_change(staff, "needs_need", need.pk, need_form(organization)),
        staff.post(
            reverse("admin:volunteers_verification_add"),
            verification_form(staff, organization, make_user("other@example.test")),
        ),
        staff.post(
            reverse("admin:volunteers_verification_change", args=[verification.pk]),
            verification_form(staff, organization, volunteer),
        ),
    ]:
        assert response.status_code == 302
    assert Need.objects.filter(needed_by="2026-04-01").count() == 2
    assert Verification.objects.filter(expires_on="2027-03-10").count() == 2


def test_a_volunteer_is_sent_to_the_admin_login_from_these_pages(client, organization, volunteer):
    shift = make_shift(organization)
    signup = make_signup(shift, volunteer)
    gift = make_monthly_gift(organization, volunteer)
    goal = DonationGoal.objects.create(organization=organization, title="Rent", target_cents=500)
    client.force_login(volunteer)
    urls = [
        reverse(f"admin:{name}_{page}", args=args)
        for name, pk in [
            ("volunteers_shift", shift.pk),
            ("volunteers_signup", signup.pk),
            ("needs_recurringgift", gift.pk),
            ("needs_donationgoal", goal.pk),
            ("core_user", volunteer.pk),
            ("needs_need", make_need(organization).pk),
            ("volunteers_verification", make_verification(organization, volunteer).pk),
        ]
        for page, args in [("add", []), ("change", [pk])]
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    url = reverse("admin:volunteers_shift_change", args=[shift.pk])
    response = client.post(url, shift_form(organization, title="Taken over"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Shift.objects.get().title == "Community meal"


FULL = "Only 1 person can be confirmed on this shift"


def with_places(data, *signups, **statuses):
    """The shift page's post with its places as inline rows; `statuses` by row index."""
    data = {**data, "signups-TOTAL_FORMS": len(signups), "signups-INITIAL_FORMS": len(signups)}
    for index, signup in enumerate(signups):
        data.update(
            {
                f"signups-{index}-id": signup.pk,
                f"signups-{index}-shift": signup.shift_id,
                f"signups-{index}-volunteer": signup.volunteer_id,
                f"signups-{index}-status": statuses.get(f"row{index}", signup.status),
            }
        )
    return data


def test_staff_cannot_confirm_more_people_than_a_shift_has_spots(staff, organization):
    shift = make_shift(organization, capacity=1)
    first = make_signup(shift, make_user("first@example.test"))
    waiting = make_signup(shift, make_user("next@example.test"), status=SignUp.Status.WAITLISTED)
    url = reverse("admin:volunteers_shift_change", args=[shift.pk])
    overfull = with_places(shift_form(organization, capacity="1"), first, waiting, row1="confirmed")
    response = staff.post(url, overfull)
    assert response.status_code == 200
    assert FULL in response.text
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.WAITLISTED
    # With a second spot, the same rows save.
    response = staff.post(url, {**overfull, "capacity": "2"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED


def test_staff_cannot_take_a_shifts_spots_below_its_confirmed_people(staff, organization):
    shift = make_shift(organization, capacity=2)
    places = [make_signup(shift, make_user(f"p{i}@example.test")) for i in range(2)]
    url = reverse("admin:volunteers_shift_change", args=[shift.pk])
    response = staff.post(url, with_places(shift_form(organization, capacity="1"), *places))
    assert FULL in response.text
    shift.refresh_from_db()
    assert shift.capacity == 2


def test_a_place_confirmed_on_its_own_admin_page_must_fit_the_shift(staff, organization):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, make_user("first@example.test"))
    waiting = make_signup(shift, make_user("next@example.test"), status=SignUp.Status.WAITLISTED)
    url = reverse("admin:volunteers_signup_change", args=[waiting.pk])
    response = staff.post(url, signup_form(shift, waiting.volunteer))
    assert FULL in field_errors(response, "status")
    added = staff.post(
        reverse("admin:volunteers_signup_add"), signup_form(shift, make_user("c@example.test"))
    )
    assert FULL in field_errors(added, "status")
    assert SignUp.objects.filter(status=SignUp.Status.CONFIRMED).count() == 1
    # The confirmed place itself still saves as it is.
    first = SignUp.objects.get(status=SignUp.Status.CONFIRMED)
    url = reverse("admin:volunteers_signup_change", args=[first.pk])
    assert staff.post(url, signup_form(shift, first.volunteer)).status_code == 302


def test_a_shift_ending_before_it_starts_is_refused_beside_its_end(staff, organization):
    shift = make_shift(organization)
    backwards = shift_form(organization, **moment("end", "2026-03-10", "16:00"))
    for response in add_and_change(staff, "volunteers_shift", shift.pk, backwards):
        assert response.status_code == 200
        assert "The shift must end after it starts." in field_errors(response, "end")
        assert "shift_ends_after_start" not in response.text


def test_the_admin_is_named_for_hearth_with_its_icon(staff):
    page = staff.get(reverse("admin:index")).text
    assert "Hearth administration" in page
    assert "Django administration" not in page
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
