"""Signing up, joining the waitlist and cancelling through the pages, with and without htmx,
and the page behind the links in a sign-up's emails."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_organization, make_user
from volunteers.emails import signup_pk_from_token, signup_token
from volunteers.models import SignUp

from .conftest import fill, make_shift, make_signup

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Status = SignUp.Status


def signup_url(shift):
    return reverse("volunteers:shift_signup", args=[shift.pk])


def leave_url(shift):
    return reverse("volunteers:shift_leave", args=[shift.pk])


def link_url(signup):
    return reverse("volunteers:signup_link", args=[signup_token(signup)])


def signup_linked_from(text):
    """The sign-up that the signed link in `text` opens. Compared by sign-up, not by
    address: the token carries the second it was signed."""
    token = re.search(r"/shifts/place/([^/?\s]+)/", text).group(1)
    return SignUp.objects.get(pk=signup_pk_from_token(token))


def test_one_click_sign_up_without_javascript_redirects_back_with_a_message(
    client, shift, volunteer
):
    client.force_login(volunteer)
    response = client.post(signup_url(shift), follow=True)
    assert response.redirect_chain == [(shift.get_absolute_url(), 302)]
    assert "You are signed up. We sent you an email." in response.text
    assert "You are signed up for this shift." in response.text
    assert "4 of 5 spots left" in response.text
    assert SignUp.objects.get().status == Status.CONFIRMED


def test_htmx_sign_up_swaps_the_box_with_the_new_count_and_an_out_of_band_message(
    client, shift, volunteer
):
    client.force_login(volunteer)
    response = client.post(signup_url(shift), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<section id="signup"')
    assert "<html" not in html
    assert "4 of 5 spots left" in html
    assert "Cancel my place" in html
    assert 'hx-swap-oob="true"' in html
    assert "You are signed up. We sent you an email." in html
    assert "HX-Request" in response["Vary"]


def test_a_full_shift_offers_the_waitlist_and_puts_the_volunteer_on_it(
    client, organization, volunteer
):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, make_user("first@example.test"))
    client.force_login(volunteer)
    assert "Join the waitlist" in client.get(shift.get_absolute_url()).text
    html = client.post(signup_url(shift), headers=HTMX).text
    assert "you are on the waitlist" in html
    assert "Leave the waitlist" in html
    assert SignUp.objects.get(volunteer=volunteer).status == Status.WAITLISTED


def test_the_htmx_answer_counts_the_waitlist_place_just_taken(client, organization, volunteer):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, make_user("first@example.test"))
    client.force_login(volunteer)
    html = client.post(signup_url(shift), headers=HTMX).text
    assert '<strong id="spots-left">Full</strong> · 1 person on the waitlist' in html
    assert "You are on the waitlist." in html


@pytest.mark.parametrize("people", [2, 20])
def test_an_htmx_sign_up_runs_the_same_number_of_queries_whatever_the_shift_holds(
    client, organization, volunteer, django_assert_num_queries, people
):
    shift = make_shift(organization, capacity=people)
    fill(shift, people)
    client.force_login(volunteer)
    # Session, user; the shift, locked, with the visitor's role; places held, counts,
    # the new place, and the email sent at once in tests; the transaction's savepoint
    # and its release.
    with django_assert_num_queries(9):
        response = client.post(signup_url(shift), headers=HTMX)
    assert "you are on the waitlist" in response.text


def test_signing_up_twice_is_a_clear_message_not_an_error(client, shift, volunteer):
    client.force_login(volunteer)
    client.post(signup_url(shift))
    response = client.post(signup_url(shift), follow=True)
    assert response.status_code == 200
    assert "You are already signed up for this shift." in response.text
    assert SignUp.objects.count() == 1


def test_an_overlapping_shift_is_refused_with_its_name(client, organization, volunteer):
    start = timezone.now() + timedelta(days=2)
    make_signup(make_shift(organization, start=start, title="Lunch service"), volunteer)
    other = make_shift(organization, start=start + timedelta(minutes=30), title="Dinner")
    client.force_login(volunteer)
    html = client.post(signup_url(other), headers=HTMX).text
    assert "You already have a shift at that time: Lunch service." in html


def test_the_shift_page_names_a_clashing_shift_instead_of_offering_a_place(
    client, organization, volunteer
):
    start = timezone.now() + timedelta(days=2)
    lunch = make_shift(organization, start=start, title="Lunch service")
    make_signup(lunch, volunteer, status=Status.WAITLISTED)
    dinner = make_shift(organization, start=start + timedelta(hours=1), title="Dinner", capacity=1)
    make_signup(dinner, make_user("first@example.test"))
    client.force_login(volunteer)
    html = client.get(dinner.get_absolute_url()).text
    assert (
        f'You already have a shift at that time: <a href="{lunch.get_absolute_url()}">'
        "Lunch service</a>." in html
    )
    assert "first give up your place on that shift" in html
    # Nothing to press that would only be refused: no form, no waitlist on offer.
    assert signup_url(dinner) not in html
    assert "you can join the waitlist" not in html
    assert ">Full<" in html


def test_a_cancelled_or_separate_shift_does_not_stand_in_the_way(client, organization, volunteer):
    start = timezone.now() + timedelta(days=2)
    gone = make_shift(organization, start=start, title="Lunch service")
    make_signup(gone, volunteer)
    gone.cancelled_at = timezone.now()
    gone.save()
    make_signup(make_shift(organization, start=start + timedelta(hours=2)), volunteer)
    dinner = make_shift(organization, start=start + timedelta(minutes=30), hours=1.5)
    client.force_login(volunteer)
    html = client.get(dinner.get_absolute_url()).text
    assert "You already have a shift at that time" not in html
    assert signup_url(dinner) in html


def test_posting_by_hand_to_a_shift_one_is_not_eligible_for_is_refused(
    client, organization, volunteer
):
    shift = make_shift(organization, requires_background_check=True)
    client.force_login(volunteer)
    response = client.post(signup_url(shift), follow=True)
    assert "You do not meet this shift&#x27;s requirements yet." in response.text
    assert not SignUp.objects.exists()


def test_a_minimum_age_shift_asks_to_confirm_the_age_next_to_the_box(
    client, organization, volunteer
):
    shift = make_shift(organization, min_age=18)
    client.force_login(volunteer)
    assert "I am 18 years old or older." in client.get(shift.get_absolute_url()).text
    response = client.post(signup_url(shift))
    assert response.status_code == 200
    assert "This shift is for volunteers 18 or older: please confirm your age." in response.text
    assert not SignUp.objects.exists()
    client.post(signup_url(shift), {"age_confirmed": "on"})
    assert SignUp.objects.get().status == Status.CONFIRMED


def test_a_volunteer_who_brings_food_says_what(client, organization, volunteer):
    shift = make_shift(organization, meal_role="bring")
    client.force_login(volunteer)
    client.post(signup_url(shift), {"bringing": "Lasagna for twelve"})
    assert SignUp.objects.get().bringing == "Lasagna for twelve"
    assert "Lasagna for twelve" in mail.outbox[0].body


def test_a_guest_signs_up_with_name_and_email_and_confirms_through_the_link(client, shift):
    response = client.post(
        signup_url(shift), {"name": "Gina Guest", "email": "gina@example.test"}, follow=True
    )
    assert "open the link we emailed you" in response.text
    signup = SignUp.objects.get()
    assert signup.status == Status.PENDING
    (email,) = mail.outbox
    assert signup_linked_from(email.body) == signup

    page = client.get(link_url(signup))
    assert "Confirm my place" in page.text
    client.post(link_url(signup), {"action": "confirm"})
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    assert "You are signed up" in mail.outbox[-1].subject


def test_after_a_guest_asks_the_box_says_to_open_the_email_instead_of_asking_again(client, shift):
    box = client.post(
        signup_url(shift), {"name": "Gina Guest", "email": "gina@example.test"}, headers=HTMX
    ).text
    assert box.count("open the link we emailed you") == 1  # in the box, not again above
    assert "Until then it is not counted." in box
    assert 'name="email"' not in box
    assert "Sign me up" not in box
    assert f'<a href="{shift.get_absolute_url()}">Sign up with another address</a>' in box
    # The page itself offers the form again, for another address.
    assert 'name="email"' in client.get(shift.get_absolute_url()).text


def test_a_stranger_typing_a_guests_address_learns_nothing_of_their_shifts(client, shift):
    hidden = make_organization("Unlisted shelter", published=False)
    later = shift.start + timedelta(minutes=30)
    intake = make_shift(hidden, start=later, title="Shelter intake dinner")
    for place in (shift, intake):
        SignUp.objects.create(
            shift=place, guest_name="Gina", guest_email="gina@example.test", status="confirmed"
        )
    beside = make_shift(shift.organization, start=shift.start, title="Dish washing")
    answers = [
        client.post(signup_url(asked), {"name": "Nosy", "email": "gina@example.test"}, **extra)
        for asked in (shift, beside)
        for extra in ({"follow": True}, {"headers": HTMX})
    ]
    for answer in answers:
        assert "open the link we emailed you to confirm your place" in answer.text
        assert "already" not in answer.text
        assert "intake" not in answer.text
    # Only Gina's inbox hears more: her place again, and the link for the new one,
    # behind which the clash is told.
    assert {email.to[0] for email in mail.outbox} == {"gina@example.test"}
    asked = SignUp.objects.get(shift=beside)
    assert asked.status == Status.PENDING
    page = client.post(link_url(asked), {"action": "confirm"}, follow=True)
    assert "You already have a shift at that time: Community meal." in page.text
    assert SignUp.objects.filter(shift=shift).count() == 1


def test_the_guest_form_explains_bad_input_and_keeps_what_was_typed(client, shift):
    response = client.post(signup_url(shift), {"name": "Gina", "email": "not-an-email"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert 'value="Gina"' in response.text
    assert 'value="not-an-email"' in response.text
    assert not SignUp.objects.exists()


# A valid address longer than the 254 characters an email column holds, and one that
# grows past them once kept lower-case ("İ" is two characters then).
TOO_LONG = ["c" * 64 + "@" + ".".join(["d" * 63] * 3) + ".com", "İ" * 200 + "@example.test"]


@pytest.mark.parametrize("email", TOO_LONG, ids=["260 characters", "longer lower-cased"])
def test_a_guest_address_too_long_to_keep_is_explained_and_kept(client, shift, email):
    response = client.post(signup_url(shift), {"name": "Gina", "email": email})
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.text
    assert f'value="{email}"' in response.text
    assert not SignUp.objects.exists()
    assert not mail.outbox


@pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
def test_the_longest_guest_address_is_limited_in_the_database_cache(client, organization, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hearth_cache",
        },
    }
    longest = "c" * 64 + "@" + ".".join(["d" * 63] * 2) + "." + "d" * 57 + ".com"
    assert len(longest) == 254
    for i in range(6):
        shift = make_shift(organization, start=timezone.now() + timedelta(days=2 + i))
        response = client.post(signup_url(shift), {"name": "Gina", "email": longest})
    assert "Too many sign-ups from here in the last hour." in response.text
    assert SignUp.objects.filter(guest_email=longest).count() == 5


def test_a_guest_who_signed_up_in_spanish_gets_spanish_links(client, shift):
    client.post(f"/es{signup_url(shift)}", {"name": "Gina", "email": "gina@example.test"})
    signup = SignUp.objects.get()
    assert signup.language == "es"
    assert "/es/shifts/place/" in mail.outbox[0].body


def test_cancelling_promotes_the_first_on_the_waitlist(client, organization, volunteer):
    shift = make_shift(organization, capacity=1)
    make_signup(shift, volunteer)
    waiting = make_signup(shift, make_user("next@example.test"), status=Status.WAITLISTED)
    client.force_login(volunteer)
    html = client.post(leave_url(shift), headers=HTMX).text
    assert "Your place is cancelled. Thank you for telling us." in html
    assert "Full: you can join the waitlist" in html  # the spot went to the waitlist
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert mail.outbox[-1].to == ["next@example.test"]


def test_cancelling_from_my_shifts_goes_back_there(client, shift, volunteer):
    make_signup(shift, volunteer)
    client.force_login(volunteer)
    response = client.post(leave_url(shift), {"next": "mine"})
    assert response["Location"] == reverse("volunteers:my_shifts")


def test_cancelling_without_a_place_is_a_clear_message(client, shift, volunteer):
    client.force_login(volunteer)
    response = client.post(leave_url(shift), follow=True)
    assert "You are not signed up for this shift." in response.text


def test_cancelling_needs_a_login(client, shift):
    response = client.post(leave_url(shift))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_sign_up_and_cancel_refuse_get(client, shift, volunteer):
    client.force_login(volunteer)
    assert client.get(signup_url(shift)).status_code == 405
    assert client.get(leave_url(shift)).status_code == 405


def test_the_reminders_yes_link_records_the_answer(client, shift, volunteer):
    signup = make_signup(shift, volunteer)
    response = client.get(link_url(signup), {"answer": "yes"}, follow=True)
    assert "The organization knows you are coming." in response.text
    signup.refresh_from_db()
    assert signup.still_coming_at is not None


def test_the_reminders_cant_make_it_link_asks_before_cancelling_and_promotes(
    client, organization, volunteer
):
    shift = make_shift(organization, capacity=1)
    signup = make_signup(shift, volunteer)
    waiting = make_signup(shift, make_user("next@example.test"), status=Status.WAITLISTED)
    page = client.get(link_url(signup), {"answer": "no"})
    # A link alone changes nothing: mail scanners open links.
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    assert "Can't make it? Cancel your place" in page.text

    response = client.post(link_url(signup), {"action": "cancel"}, follow=True)
    assert "Your place is cancelled." in response.text
    signup.refresh_from_db()
    waiting.refresh_from_db()
    assert (signup.status, waiting.status) == (Status.CANCELLED, Status.CONFIRMED)


def test_a_forged_or_altered_link_is_not_found(client, shift, volunteer):
    signup = make_signup(shift, volunteer)
    token = signup_token(signup)
    assert client.get(reverse("volunteers:signup_link", args=[token + "x"])).status_code == 404
    forged = reverse("volunteers:signup_link", args=[f"{signup.pk}:forged"])
    assert client.get(forged).status_code == 404
    assert client.get("/shifts/place/%00/").status_code == 404


def test_guest_sign_ups_are_limited_so_the_form_cannot_flood_an_inbox(client, organization):
    for i in range(6):
        shift = make_shift(organization, start=timezone.now() + timedelta(days=2 + i))
        response = client.post(signup_url(shift), {"name": "Gina", "email": "gina@example.test"})
    assert "Too many sign-ups from here in the last hour." in response.text
    assert 'value="gina@example.test"' in response.text
    assert len(mail.outbox) == 5


def test_behind_a_trusted_proxy_each_visitor_has_a_guest_allowance_of_their_own(
    client, organization, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    shift = make_shift(organization)

    def guest_signup(number, visitor):
        return client.post(
            signup_url(shift),
            {"name": "Gina", "email": f"gina{number}@example.test"},
            headers={"X-Forwarded-For": visitor, "HX-Request": "true"},
        )

    for number in range(5):
        guest_signup(number, "203.0.113.7")
    refused = guest_signup(5, "203.0.113.7")
    welcomed = guest_signup(6, "198.51.100.4")

    assert "Too many sign-ups from here in the last hour." in refused.text
    assert "Almost done: open the link we emailed you" in welcomed.text


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(client, organization):
    shift = make_shift(organization)
    for number in range(6):
        response = client.post(
            signup_url(shift),
            {"name": "Gina", "email": f"gina{number}@example.test"},
            headers={"X-Forwarded-For": f"203.0.113.{number}"},
        )
    assert "Too many sign-ups from here in the last hour." in response.text


FORGERIES = ["altered", "made up", "another link's signature"]


def forged_link(place, forgery, own):
    """A link to `place` that signup_token did not make: `own` is a place the forger holds,
    so they have a genuine link of their own to work from."""
    token, mine = signup_token(place), signup_token(own)
    token = {
        "altered": token[:-1] + ("y" if token.endswith("x") else "x"),
        "made up": f"{place.pk}:forged",
        # The place's id with the signature of the forger's own link.
        "another link's signature": token.split(":")[0] + mine[mine.index(":") :],
    }[forgery]
    return reverse("volunteers:signup_link", args=[token])


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_link_cannot_confirm_a_guests_place(client, organization, volunteer, forgery):
    shift = make_shift(organization)
    guest = SignUp.objects.create(
        shift=shift, guest_name="Gina", guest_email="gina@example.test", status=Status.PENDING
    )
    own = make_signup(make_shift(organization, start=shift.start + timedelta(days=1)), volunteer)
    client.force_login(volunteer)
    response = client.post(forged_link(guest, forgery, own), {"action": "confirm"})
    assert response.status_code == 404
    guest.refresh_from_db()
    own.refresh_from_db()
    assert (guest.status, own.status) == (Status.PENDING, Status.CONFIRMED)
    assert mail.outbox == []


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_link_cannot_cancel_someones_place(client, organization, volunteer, forgery):
    shift = make_shift(organization, capacity=1)
    place = make_signup(shift, make_user("vic@example.test"))
    waiting = make_signup(shift, make_user("next@example.test"), status=Status.WAITLISTED)
    own = make_signup(make_shift(organization, start=shift.start + timedelta(days=1)), volunteer)
    client.force_login(volunteer)
    response = client.post(forged_link(place, forgery, own), {"action": "cancel"})
    assert response.status_code == 404
    statuses = {s.pk: s.status for s in SignUp.objects.all()}
    assert statuses == {
        place.pk: Status.CONFIRMED,
        waiting.pk: Status.WAITLISTED,
        own.pk: Status.CONFIRMED,
    }
    assert mail.outbox == []
    # The place's own link does cancel it: the 404 was the forgery's.
    client.post(link_url(place), {"action": "cancel"})
    place.refresh_from_db()
    assert place.status == Status.CANCELLED


def test_signing_up_for_a_hidden_or_missing_shift_is_a_404_that_takes_no_place(
    client, organization, volunteer, coordinator
):
    organization.is_published = False
    organization.save()
    shift = make_shift(organization)
    client.force_login(volunteer)
    for url in [signup_url(shift), "/shifts/999999/sign-up/"]:
        assert client.post(url, headers=HTMX).status_code == 404, url
    assert not SignUp.objects.exists()
    # Its coordinator may still sign up, as they may see it.
    client.force_login(coordinator)
    response = client.post(signup_url(shift), headers=HTMX)
    assert "You are signed up for this shift." in response.text
    assert SignUp.objects.get().volunteer == coordinator
