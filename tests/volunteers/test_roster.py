"""The roster: who is coming with their contact details, attendance and hours, messages."""

import itertools
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertHTMLEqual, assertInHTML

from tests.conftest import make_user
from volunteers.forms import RosterEntryForm
from volunteers.models import SignUp

from .conftest import fill, make_ride, make_shift, make_signup

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Status = SignUp.Status


def roster_url(shift):
    return reverse("volunteers:shift_roster", args=[shift.pk])


def update_url(signup):
    return reverse("volunteers:roster_update", args=[signup.pk])


def test_the_roster_lists_confirmed_waitlisted_and_pending_people_with_contacts(
    client, organization, coordinator, volunteer
):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, volunteer, bringing="Fruit salad")
    make_signup(shift, make_user("wait@example.test", "Wanda Wait"), status=Status.WAITLISTED)
    SignUp.objects.create(
        shift=shift, guest_name="Gina Guest", guest_email="gina@example.test", status=Status.PENDING
    )
    make_signup(shift, make_user("gone@example.test", "Gone Gary"), status=Status.CANCELLED)
    client.force_login(coordinator)

    html = client.get(roster_url(shift)).text

    assert "Val Volunteer" in html
    assert (
        '<span class="small"><a href="mailto:volunteer@example.test">volunteer@example.test</a>'
        ' · <a href="tel:816-555-0100">816-555-0100</a></span>'
    ) in html
    assert (
        '<span class="small"><a href="mailto:gina@example.test">gina@example.test</a>'
        " · guest</span>"
    ) in html
    assert "Brings: Fruit salad" in html
    waitlist = html.split("Waitlist: 1 person")[1]
    assert "Wanda Wait" in waitlist
    assert "Gina Guest" in waitlist  # under "Waiting for email confirmation"
    assert "Gone Gary" not in html


@pytest.mark.parametrize(
    ("prefix", "question", "button"),
    [
        ("", "Take Wanda &lt;Wait&gt; off this shift&#x27;s waitlist?", "Remove from the waitlist"),
        (
            "/es",
            "¿Quitar a Wanda &lt;Wait&gt; de la lista de espera de este turno?",
            "Quitar de la lista de espera",
        ),
    ],
)
def test_each_waitlisted_person_has_a_button_that_asks_then_takes_them_off(
    client, organization, coordinator, volunteer, prefix, question, button
):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, volunteer)
    waiting = make_signup(
        shift, make_user("wait@example.test", "Wanda <Wait>"), status=Status.WAITLISTED
    )
    action = prefix + update_url(waiting)
    client.force_login(coordinator)
    html = client.get(prefix + roster_url(shift)).text
    token = html.split('csrfmiddlewaretoken" value="')[1].split('"')[0]
    assertInHTML(
        f"""<li><strong>Wanda &lt;Wait&gt;</strong>
        <span class="small"><a href="mailto:wait@example.test">wait@example.test</a></span>
        <form method="post" action="{action}" class="inline-form">
        <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
        <button type="submit" name="action" value="remove" class="link-button"
        data-confirm="{question}">{button}<span class="visually-hidden">: Wanda &lt;Wait&gt;</span>
        </button></form></li>""",
        html,
    )
    client.post(action, {"action": "remove"})
    assert not SignUp.objects.filter(pk=waiting.pk, status=Status.WAITLISTED).exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_roster_row_writes_out_what_its_form_would(organization, volunteer, language):
    shift = make_shift(organization)
    signups = [
        make_signup(shift, volunteer),
        make_signup(shift, make_user("a@example.test"), attendance="attended", hours="2.5"),
        make_signup(shift, make_user("n@example.test"), attendance="no_show", hours="0"),
        # A value that is no longer a choice (old data) selects nothing, as Select does.
        make_signup(shift, make_user("o@example.test"), attendance="excused"),
    ]
    signups = list(SignUp.objects.filter(pk__in=[s.pk for s in signups]).order_by("pk"))
    with translation.override(language):
        rendered = RosterEntryForm.render_saved(signups)
        for signup, html in zip(signups, rendered, strict=True):
            assertHTMLEqual(html, str(RosterEntryForm(instance=signup)))


def test_the_roster_page_shows_each_confirmed_place_with_its_saved_entry(
    client, organization, coordinator, volunteer
):
    signup = make_signup(
        make_shift(organization), volunteer, attendance="attended", hours=Decimal("1.75")
    )
    client.force_login(coordinator)
    html = client.get(roster_url(signup.shift)).text
    signup.refresh_from_db()
    assertInHTML(str(RosterEntryForm(instance=signup)), html)


def test_the_coordinator_sees_a_rides_private_details_on_the_roster(
    client, organization, coordinator
):
    ride = make_ride(organization)
    client.force_login(coordinator)
    assert "Plaza library, front entrance" in client.get(roster_url(ride)).text


def test_marking_attendance_and_hours_with_htmx_swaps_the_row(
    client, organization, coordinator, volunteer
):
    signup = make_signup(make_shift(organization), volunteer)
    client.force_login(coordinator)
    response = client.post(
        update_url(signup),
        {f"signup-{signup.pk}-attendance": "attended", f"signup-{signup.pk}-hours": "2.5"},
        headers=HTMX,
    )
    assert response.text.lstrip().startswith(f'<li id="signup-{signup.pk}"')
    assert "Saved for Val Volunteer." in response.text
    # The row alone brings the page's messages out of band; the page itself does not.
    assert 'id="messages" class="messages" role="status" aria-live="polite" hx-swap-oob' in (
        response.text
    )
    assert "hx-swap-oob" not in client.get(roster_url(signup.shift)).text
    # The row reads as the roster will after a reload.
    assert f'name="signup-{signup.pk}-hours" value="2.50"' in response.text
    signup.refresh_from_db()
    assert (signup.attendance, signup.hours) == ("attended", Decimal("2.5"))


def test_marking_a_no_show_without_javascript(client, organization, coordinator, volunteer):
    signup = make_signup(make_shift(organization), volunteer)
    client.force_login(coordinator)
    response = client.post(update_url(signup), {f"signup-{signup.pk}-attendance": "no_show"})
    assert response["Location"] == roster_url(signup.shift)
    signup.refresh_from_db()
    assert signup.attendance == "no_show"


def test_impossible_hours_are_explained_and_kept(client, organization, coordinator, volunteer):
    signup = make_signup(make_shift(organization), volunteer)
    client.force_login(coordinator)
    for headers, (hours, message) in itertools.product(
        [{}, HTMX],
        [
            ("30", "Enter at most 24 hours."),
            ("1000", "Enter at most 24 hours."),
            ("123456", "Enter at most 24 hours."),
            ("2.666666667", "Ensure that there are no more than 2 decimal places."),
        ],
    ):
        response = client.post(
            update_url(signup), {f"signup-{signup.pk}-hours": hours}, headers=headers
        )
        assert response.status_code == 200
        assert message in response.text
        assert "digits" not in response.text
        assert f'value="{hours}"' in response.text
    signup.refresh_from_db()
    assert signup.hours is None


def test_removing_someone_promotes_the_waitlist(client, organization, coordinator, volunteer):
    shift = make_shift(organization, capacity=1)
    signup = make_signup(shift, volunteer)
    waiting = make_signup(shift, make_user("w@example.test"), status=Status.WAITLISTED)
    client.force_login(coordinator)
    response = client.post(update_url(signup), {"action": "remove"}, follow=True)
    assert "Val Volunteer is off the roster" in response.text
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_messaging_everyone_confirmed_sends_one_email_each(
    client, organization, coordinator, volunteer
):
    shift = make_shift(organization)
    make_signup(shift, volunteer)
    make_signup(shift, make_user("b@example.test"))
    make_signup(shift, make_user("w@example.test"), status=Status.WAITLISTED)
    client.force_login(coordinator)
    response = client.post(
        roster_url(shift), {"subject": "Parking", "body": "Park behind the church."}, follow=True
    )
    assert "on its way to 2 confirmed volunteers" in response.text
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.test", "volunteer@example.test"]
    assert mail.outbox[0].subject == "Parking · Community meal"
    assert "Park behind the church." in mail.outbox[0].body


def test_an_empty_message_is_explained(client, organization, coordinator):
    client.force_login(coordinator)
    shift = make_shift(organization)
    client.get(roster_url(shift))  # the empty form, as the page keeps it
    response = client.post(roster_url(shift), {"subject": "Hi", "body": ""})
    assert "This field is required." in response.text
    assert 'value="Hi"' in response.text
    assert mail.outbox == []
    html = client.get(roster_url(shift)).text  # and the errors are not kept
    assert 'name="subject"' in html
    assert "This field is required." not in html and 'value="Hi"' not in html


@pytest.mark.parametrize("people", [2, 20])
def test_the_roster_runs_the_same_number_of_queries_whatever_its_size(
    client, organization, coordinator, django_assert_num_queries, people
):
    shift = make_shift(organization, capacity=people)
    fill(shift, people)
    client.force_login(coordinator)
    with django_assert_num_queries(4):
        client.get(roster_url(shift))
