"""What a person sees after htmx replaces part of a page, on a phone: the first field
with an error, or the message the answer brought, or the top of the new part, in view
and focused, instead of a change somewhere off screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Membership
from tests.conftest import PASSWORD, make_organization, make_user
from volunteers.models import Shift, SignUp

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}

# On the screen, and not under what of the safety shell stays at the top (the quick exit
# on a phone, the whole bar on a wide screen).
IN_VIEW = """element => {
  const covered = Math.max(0, ...[".safety-bar", "#quick-exit"].map(selector => {
    const part = document.querySelector(selector);
    const stays = ["sticky", "fixed"].includes(getComputedStyle(part).position);
    return stays ? part.getBoundingClientRect().bottom : 0;
  }));
  const box = element.getBoundingClientRect();
  return box.top >= covered - 1 && box.top < window.innerHeight;
}"""


@pytest.fixture
def organization(live_server):
    organization = make_organization("Rended Heart", slug="rended-heart")
    coordinator = make_user("coordinator@rended-heart.demo", "Cora Coordinator")
    Membership.objects.create(user=coordinator, organization=organization)
    return organization


@pytest.fixture
def phone(new_context):
    return new_context(**PHONE).new_page()


def make_meals(organization, count):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    return [
        Shift.objects.create(
            organization=organization,
            kind=Shift.Kind.MEAL,
            title=f"Community dinner {number}",
            place="Willow Tree Room",
            start=start + timedelta(days=number),
            end=start + timedelta(days=number, hours=2),
            capacity=6,
            meal_role=Shift.MealRole.SERVE,
        )
        for number in range(count)
    ]


def assert_shown(locator):
    expect(locator).to_be_focused()
    assert locator.evaluate(IN_VIEW), "not on the screen, or under the safety bar"


def test_a_guests_sign_up_shows_its_message(phone, organization):
    (meal,) = make_meals(organization, 1)
    phone.goto(meal.get_absolute_url())
    phone.get_by_label("Your name").fill("Gina Guest")
    phone.get_by_label("Your email").fill("gina@example.test")
    phone.get_by_role("button", name="Sign me up").click()
    note = phone.locator("#signup [data-note]")
    expect(note).to_contain_text("open the link we emailed you")
    assert_shown(note)


def test_a_shift_form_with_a_mistake_shows_the_field(phone, organization):
    log_in(phone, "coordinator@rended-heart.demo", password=PASSWORD)
    phone.goto("/shifts/manage/rended-heart/new/")
    phone.get_by_label("Title").fill("Dinner")
    phone.get_by_label("Day").fill((timezone.localdate() + timedelta(days=9)).isoformat())
    phone.get_by_label("Starts at").fill("17:00")
    phone.get_by_label("Ends at").fill("16:00")
    phone.get_by_label("Place").fill("Willow Tree Room")
    phone.get_by_role("button", name="Post the shift").click()
    expect(phone.locator("#shift-form")).to_contain_text("The shift must end after it starts.")
    assert_shown(phone.get_by_label("Ends at"))


def test_the_next_page_of_shifts_starts_at_its_top(phone, organization):
    make_meals(organization, 25)
    phone.goto("/shifts/")
    phone.get_by_role("link", name="Next page").click()
    results = phone.locator("#results")
    expect(results).to_contain_text("Community dinner 20")
    assert_shown(results)


def test_saving_a_roster_row_says_so_in_the_row_without_leaving_it(phone, organization):
    (meal,) = make_meals(organization, 1)
    meal.capacity = 8
    meal.save()
    for number in range(7):
        volunteer = make_user(f"v{number}@example.test", f"Volunteer {number}")
        SignUp.objects.create(shift=meal, volunteer=volunteer, status=SignUp.Status.CONFIRMED)
    ana = make_user("ana@hearth.demo", "Ana")
    place = SignUp.objects.create(shift=meal, volunteer=ana, status=SignUp.Status.CONFIRMED)
    log_in(phone, "coordinator@rended-heart.demo", password=PASSWORD)
    phone.goto(f"/shifts/manage/shift/{meal.pk}/")
    row = phone.locator(f"#signup-{place.pk}")
    row.get_by_label("Hours").fill("2.5")
    scrolled = phone.evaluate("window.scrollY")
    assert scrolled > 844, "the roster is too short to prove anything"
    row.get_by_role("button", name="Save").click()
    note = row.locator("[data-note]")
    expect(note).to_have_text("Saved for Ana.")
    assert_shown(note)
    # Still at Ana's row, a long way from the top of the roster.
    assert phone.evaluate("window.scrollY") > scrolled - 400
