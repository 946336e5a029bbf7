"""Volunteer shifts in a real browser: one-click sign-up, the waitlist and promotion,
cancelling, filtering, a coordinator's roster and weekly series, and axe-core on every
shift page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Membership
from tests.conftest import PASSWORD, make_organization, make_user
from tests.volunteers.conftest import verify
from volunteers.emails import signup_token
from volunteers.models import Shift, SignUp, TransportDetails

from .conftest import assert_accessible, assert_no_external_requests
from .conftest import log_in as log_in_with


def log_in(page, email, language_prefix=""):
    log_in_with(page, email, password=PASSWORD, language_prefix=language_prefix)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "rended-heart"


def in_days(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def world(live_server):
    organization = make_organization(
        "Rended Heart", slug=SLUG, email="hello@rended-heart.example", phone="816-555-0199"
    )
    coordinator = make_user("coordinator@rended-heart.demo", "Cora Coordinator")
    Membership.objects.create(user=coordinator, organization=organization)
    ana = make_user("ana@hearth.demo", "Ana")
    ben = make_user("ben@hearth.demo", "Ben")
    meal = Shift.objects.create(
        organization=organization,
        kind=Shift.Kind.MEAL,
        title="Community dinner",
        place="Willow Tree Room",
        start=in_days(3, 17),
        end=in_days(3, 19),
        capacity=1,
        meal_role=Shift.MealRole.SERVE,
    )
    ride = Shift.objects.create(
        organization=organization,
        kind=Shift.Kind.TRANSPORT,
        title="Ride to a court date",
        place="Midtown",
        destination=Shift.Destination.COURT,
        start=in_days(4, 9),
        end=in_days(4, 11),
        capacity=1,
        requires_driver=True,
    )
    TransportDetails.objects.create(shift=ride, pickup_point="Library entrance", ask_for="Desk")
    return {
        "organization": organization,
        "coordinator": coordinator,
        "ana": ana,
        "ben": ben,
        "meal": meal,
        "ride": ride,
    }


def mark(page):
    """Survives only while htmx swaps parts of the page instead of loading a new one."""
    page.evaluate("window.__marker = 1")


def assert_same_page(page):
    assert page.evaluate("window.__marker === 1"), "the page was reloaded"


def test_a_volunteer_signs_up_in_one_click_and_cancels(page, world):
    meal = world["meal"]
    log_in(page, "ana@hearth.demo")
    page.goto(meal.get_absolute_url())
    box = page.locator("#signup")
    expect(box).to_contain_text("1 of 1 spot left")
    mark(page)

    box.get_by_role("button", name="Sign me up").click()

    expect(box).to_contain_text("You are signed up for this shift.")
    expect(box.locator("#spots-left")).to_have_text("Full")
    expect(page.locator("#messages")).to_contain_text("You are signed up. We sent you an email.")
    assert_same_page(page)

    # Giving up the place asks first; saying no keeps it.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    box.get_by_role("button", name="Cancel my place").click()
    assert asked == ["Cancel your place on Community dinner?"]
    expect(box).to_contain_text("You are signed up for this shift.")
    assert SignUp.objects.get().status == SignUp.Status.CONFIRMED
    page.once("dialog", lambda dialog: dialog.accept())
    box.get_by_role("button", name="Cancel my place").click()

    expect(page.locator("#messages")).to_contain_text("Your place is cancelled.")
    expect(box).to_contain_text("1 of 1 spot left")
    expect(box.get_by_role("button", name="Sign me up")).to_be_visible()
    assert_same_page(page)
    assert SignUp.objects.get().status == SignUp.Status.CANCELLED


def test_a_volunteer_joins_the_waitlist_and_is_promoted_when_someone_cancels(new_context, world):
    meal = world["meal"]
    ben_page = new_context().new_page()
    log_in(ben_page, "ben@hearth.demo")
    ben_page.goto(meal.get_absolute_url())
    ben_page.get_by_role("button", name="Sign me up").click()
    expect(ben_page.locator("#signup")).to_contain_text("You are signed up for this shift.")

    ana_page = new_context().new_page()
    log_in(ana_page, "ana@hearth.demo")
    ana_page.goto(meal.get_absolute_url())
    ana_page.get_by_role("button", name="Join the waitlist").click()
    expect(ana_page.locator("#signup")).to_contain_text("You are on the waitlist.")

    mail.outbox.clear()
    ben_page.once("dialog", lambda dialog: dialog.accept())
    ben_page.get_by_role("button", name="Cancel my place").click()
    expect(ben_page.locator("#messages")).to_contain_text("Your place is cancelled.")

    ana_page.reload()
    expect(ana_page.locator("#signup")).to_contain_text("You are signed up for this shift.")
    assert [m.to for m in mail.outbox] == [["ana@hearth.demo"]]
    assert "A spot opened" in mail.outbox[0].subject


def test_signing_up_works_with_javascript_off(new_context, world):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "ana@hearth.demo")
    page.goto(world["meal"].get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("button", name="Sign me up").click()
    expect(page.locator("#messages")).to_contain_text("You are signed up.")
    expect(page.locator("#signup")).to_contain_text("You are signed up for this shift.")


def test_the_confirmed_driver_sees_the_pickup_point_after_signing_up(page, world):
    ride = world["ride"]
    verify(world["ana"], world["organization"], "driver")
    log_in(page, "ana@hearth.demo")
    page.goto(ride.get_absolute_url())
    expect(page.locator("body")).not_to_contain_text("Library entrance")
    page.get_by_role("button", name="Sign me up").click()
    expect(page.locator("#signup")).to_contain_text("Library entrance")


def test_filtering_shifts_updates_the_list_and_the_address(page, world):
    page.goto("/shifts/")
    expect(page.locator(".result-count")).to_have_text("2 shifts")
    mark(page)
    page.get_by_label("Kind").select_option("transport")
    expect(page.locator(".result-count")).to_have_text("1 shift")
    expect(page).to_have_url(re.compile(r"/shifts/\?(.*&)?kind=transport"))
    expect(page.locator("#results")).to_contain_text("Ride to a court date")
    expect(page.locator("#results")).not_to_contain_text("Community dinner")
    assert_same_page(page)


def test_a_coordinator_records_a_place_in_its_row_and_removes_someone(page, world):
    meal = world["meal"]
    ana = SignUp.objects.create(shift=meal, volunteer=world["ana"], status=SignUp.Status.CONFIRMED)
    SignUp.objects.create(shift=meal, volunteer=world["ben"], status=SignUp.Status.WAITLISTED)
    log_in(page, "coordinator@rended-heart.demo")
    page.goto(f"/shifts/manage/shift/{meal.pk}/")
    row = page.locator(f"#signup-{ana.pk}")
    mark(page)

    row.get_by_label("Attendance").select_option("attended")
    row.get_by_label("Hours").fill("2.5")
    row.get_by_role("button", name="Save").click()

    expect(row.locator("[data-note]")).to_have_text("Saved for Ana.")
    expect(row.get_by_label("Hours")).to_have_value("2.50")
    # Enter in a field saves the row the same way.
    row.get_by_label("Hours").fill("3")
    row.get_by_label("Hours").press("Enter")
    expect(row.get_by_label("Hours")).to_have_value("3.00")
    assert_same_page(page)
    ana.refresh_from_db()
    assert (ana.attendance, ana.hours) == ("attended", 3)

    # Removing asks first; saying no changes nothing.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row.get_by_role("button", name="Remove from the roster").click()
    assert asked == ["Take Ana off this shift's roster?"]
    expect(page.locator(f"#signup-{ana.pk}")).to_have_count(1)
    assert SignUp.objects.get(pk=ana.pk).status == SignUp.Status.CONFIRMED
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Remove from the roster").click()

    expect(page.locator("#messages")).to_contain_text("Ana is off the roster")
    expect(page.locator(f"#signup-{ana.pk}")).to_have_count(0)
    expect(page.get_by_role("heading", name="Ben")).to_be_visible()
    assert not page.evaluate("window.__marker === 1"), "removing reloads the roster"


def test_a_coordinator_creates_a_weekly_series(page, world):
    log_in(page, "coordinator@rended-heart.demo")
    page.goto(f"/shifts/manage/{SLUG}/new/")
    mark(page)
    tuesday = timezone.localdate() + timedelta(days=(1 - timezone.localdate().weekday()) % 7 + 7)
    page.get_by_label("Title").fill("Willow Tree Room dinner")
    page.get_by_label("Day").fill(tuesday.isoformat())
    page.get_by_label("Starts at").fill("17:00")
    page.get_by_label("Ends at").fill("16:00")
    page.get_by_label("Place").fill("Willow Tree Room, 3936 Troost")
    page.get_by_label("Volunteers needed").fill("6")
    page.get_by_label("What volunteers do").select_option("serve")
    page.get_by_label("Repeat every week for how many weeks?").fill("12")
    page.get_by_role("button", name="Post the shift").click()

    # The mistake is explained in place, and what was typed stays.
    expect(page.locator("#shift-form")).to_contain_text("The shift must end after it starts.")
    expect(page.get_by_label("Title")).to_have_value("Willow Tree Room dinner")
    assert_same_page(page)

    page.get_by_label("Ends at").fill("19:00")
    page.get_by_role("button", name="Post the shift").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Roster: Willow Tree Room dinner")
    expect(page.locator("#messages")).to_contain_text("12 weekly shifts are posted.")
    series = Shift.objects.filter(title="Willow Tree Room dinner").order_by("start")
    assert series.count() == 12
    assert len({shift.series_id for shift in series}) == 1
    assert {timezone.localtime(shift.start).strftime("%a %H:%M") for shift in series} == {
        "Tue 17:00"
    }


LANGUAGES = {"en": "", "es": "/es"}


def shift_pages(world):
    meal, ride = world["meal"], world["ride"]
    signup = SignUp.objects.create(
        shift=meal, volunteer=world["ana"], status=SignUp.Status.CONFIRMED
    )
    public = {
        "shift list": "/shifts/",
        "shift list, filtered": "/shifts/?kind=meal&start=nonsense&open=on",
        "meal with guest form": meal.get_absolute_url(),
        "ride": ride.get_absolute_url(),
        "sign-up link": f"/shifts/place/{signup_token(signup)}/?answer=no",
        "home, shifts this week": "/",
        "organization, its shifts": f"/organizations/{SLUG}/",
    }
    volunteer = {
        "my shifts": "/shifts/mine/",
        "my past shifts": "/shifts/mine/past/",
        "meal, signed up": meal.get_absolute_url(),
        "ride, not eligible": ride.get_absolute_url(),
    }
    coordinator = {
        "manage shifts": f"/shifts/manage/{SLUG}/",
        "new shift": f"/shifts/manage/{SLUG}/new/",
        "duplicate": f"/shifts/manage/{SLUG}/new/?copy={ride.pk}",
        "edit": f"/shifts/manage/shift/{ride.pk}/edit/",
        "cancel": f"/shifts/manage/shift/{meal.pk}/cancel/",
        "roster": f"/shifts/manage/shift/{meal.pk}/",
        "verifications": f"/shifts/manage/{SLUG}/verifications/",
        "hours report": f"/shifts/manage/{SLUG}/hours/",
    }
    return public, volunteer, coordinator


@pytest.mark.parametrize("prefix", LANGUAGES.values(), ids=LANGUAGES.keys())
def test_every_shift_page_is_accessible_and_self_contained(
    new_context, external_requests, world, prefix
):
    public, volunteer, coordinator = shift_pages(world)
    visitor = new_context().new_page()
    ana = new_context().new_page()
    log_in(ana, "ana@hearth.demo", language_prefix=prefix)
    cora = new_context().new_page()
    log_in(cora, "coordinator@rended-heart.demo", language_prefix=prefix)
    for page, paths in [(visitor, public), (ana, volunteer), (cora, coordinator)]:
        for name, path in paths.items():
            response = page.goto(f"{prefix}{path}")
            assert response.status == 200, f"{name}: {path} answered {response.status}"
            page.wait_for_load_state("load")
            assert_accessible(page)
    assert_no_external_requests(external_requests)


def test_shift_pages_fit_a_phone(new_context, world):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    for path in ["/shifts/", world["ride"].get_absolute_url()]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert_accessible(page)
