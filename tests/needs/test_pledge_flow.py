import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from needs import services
from needs.models import CONFIRMATION_MAX_AGE, PLEDGE_TOKEN_SALT, Need, Pledge
from tests.conftest import MIDDAY, make_user

from .conftest import in_days, make_need, make_pledge, pledge_linked_from

pytestmark = pytest.mark.django_db


# A valid address longer than the 254 characters an email column holds.
TOO_LONG = "c" * 64 + "@" + ".".join(["d" * 63] * 3) + ".com"


def pledge_data(**overrides):
    data = {
        "quantity": "3",
        "method": "drop_off",
        "expected_on": in_days(4).isoformat(),
        "name": "Gail Guest",
        "email": "gail@example.test",
    }
    data.update(overrides)
    return data


def emailed_link(message):
    return re.search(r"http://[^/]+(/needs/pledges/[^/\s]+/)", message.body).group(1)


def test_need_page_shows_the_item_its_progress_and_public_drop_off_details(client, need, dropoff):
    response = client.get(need.get_absolute_url())
    assert response.status_code == 200
    assert "Hygiene kits" in response.text
    assert "Mon-Fri 9am-4pm" in response.text
    assert "Ring the office bell." in response.text
    # The place is private: only people who pledged get it.
    assert "12 Main St" not in response.text
    assert "PO Box 12" not in response.text
    assert "Given by email once you pledge." in response.text


def test_a_logged_in_donor_pledges_in_one_step(client, need, donor, dropoff):
    client.force_login(donor)
    response = client.post(need.get_absolute_url(), pledge_data(name="", email=""))
    pledge = Pledge.objects.get()
    assert response.status_code == 302
    assert pledge_linked_from(response["Location"]) == pledge
    assert (pledge.donor, pledge.status, pledge.quantity) == (donor, "confirmed", 3)
    need.refresh_from_db()
    assert need.quantity_pledged == 3
    assert mail.outbox[0].to == ["donor@example.test"]
    page = client.get(response["Location"])
    assert "Front office, 12 Main St" in page.text
    assert "Thank you! Your pledge is recorded" in page.text


def test_asking_for_more_than_is_open_is_explained_and_the_form_kept(client, need, donor):
    client.force_login(donor)
    response = client.post(need.get_absolute_url(), pledge_data(quantity="11"))
    assert response.status_code == 200
    assert "Only 10 are still needed." in response.text
    assert 'value="11"' in response.text
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", "0", "Enter at least 1."),
        ("quantity", "lots", "Enter a whole number."),
        ("expected_on", "2020-01-01", "Choose today or a later date."),
        ("expected_on", "someday", "Enter a valid date."),
        ("method", "teleport", "Select a valid choice."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("email", TOO_LONG, "Ensure this value has at most 254 characters (it has 260)."),
        ("name", "", "This field is required."),
    ],
)
def test_a_guests_bad_input_is_explained_next_to_the_field(client, need, field, value, message):
    response = client.post(need.get_absolute_url(), pledge_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert 'value="Gail Guest"' in response.text or field == "name"
    assert not Pledge.objects.exists()


@time_machine.travel(MIDDAY, tick=False)
def test_a_date_more_than_90_days_ahead_is_refused(client, need):
    response = client.post(need.get_absolute_url(), pledge_data(expected_on=in_days(91)))
    assert "Choose a date within the next 90 days." in response.text


def test_shipping_is_offered_only_where_the_organization_takes_parcels(client, need, dropoff):
    assert 'value="shipping"' in client.get(need.get_absolute_url()).text
    dropoff.shipping_address = ""
    dropoff.save()
    assert 'value="shipping"' not in client.get(need.get_absolute_url()).text
    response = client.post(need.get_absolute_url(), pledge_data(method="shipping"))
    assert "Select a valid choice." in response.text


def test_a_guest_confirms_by_the_emailed_link_before_the_pledge_counts(client, need, dropoff):
    response = client.post(need.get_absolute_url(), pledge_data(method="shipping"))
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.PENDING
    need.refresh_from_db()
    assert need.quantity_pledged == 0
    assert "we emailed a confirmation link to gail@example.test" in client.get(
        response["Location"]
    ).text.replace("\n", " ")

    link = emailed_link(mail.outbox[0])
    page = client.get(link)
    assert "Confirm my pledge" in page.text
    # Opening the link (as a mail scanner would) changes nothing: confirming is a POST.
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PENDING

    response = client.post(reverse("needs:pledge_confirm", args=[link.split("/")[-2]]))
    assert response.status_code == 302
    pledge.refresh_from_db()
    need.refresh_from_db()
    assert (pledge.status, need.quantity_pledged) == ("confirmed", 3)
    confirmation = mail.outbox[1]
    assert "Please ship your order to:" in confirmation.body
    assert "PO Box 12" in confirmation.body
    assert pledge_linked_from(confirmation.body) == pledge


def test_a_guest_pledge_remembers_the_language_it_was_made_in(client, need):
    client.post(f"/es{need.get_absolute_url()}", pledge_data())
    assert Pledge.objects.get().language == "es"


def test_an_old_confirmation_link_has_expired(client, need):
    pledge = make_pledge(need)
    with time_machine.travel(timezone.now() + CONFIRMATION_MAX_AGE + timedelta(hours=1)):
        page = client.get(pledge.get_manage_url())
        assert "not confirmed in time" in page.text
        token = pledge.manage_token()
        client.post(reverse("needs:pledge_confirm", args=[token]))
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PENDING


def test_confirming_when_the_units_went_elsewhere_explains_what_is_left(client, need, donor):
    pledge = make_pledge(need, quantity=5)
    make_pledge(need, donor=donor, quantity=8)
    response = client.post(
        reverse("needs:pledge_confirm", args=[pledge.manage_token()]), follow=True
    )
    assert "Only 2 are still needed. Change the quantity below, then confirm." in response.text
    response = client.post(pledge.get_manage_url(), pledge_data(quantity="2"))
    client.post(reverse("needs:pledge_confirm", args=[pledge.manage_token()]))
    pledge.refresh_from_db()
    assert (pledge.quantity, pledge.status) == (2, "confirmed")


def test_the_signed_link_changes_and_cancels_a_pledge_without_logging_in(client, need, donor):
    pledge = make_pledge(need, donor=donor, quantity=3)
    url = pledge.get_manage_url()
    response = client.post(url, pledge_data(quantity="5", expected_on=in_days(6)))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.quantity_pledged == 5
    assert "Your pledge is updated." in client.get(url).text

    response = client.post(url, pledge_data(quantity="99"))
    assert "Only 10 are still needed." in response.text

    client.post(reverse("needs:pledge_cancel", args=[pledge.manage_token()]))
    pledge.refresh_from_db()
    need.refresh_from_db()
    assert (pledge.status, need.quantity_pledged) == ("cancelled", 0)
    page = client.get(url)
    assert "Cancel my pledge" not in page.text
    response = client.post(url, pledge_data())
    assert response.status_code == 302
    assert "can no longer be changed" in client.get(url).text


def test_a_tampered_or_unknown_link_is_a_404(client, need):
    pledge = make_pledge(need)
    token = pledge.manage_token()
    tampered = token[:-1] + ("y" if token.endswith("x") else "x")
    assert client.get(reverse("needs:pledge_manage", args=[tampered])).status_code == 404
    assert client.post(reverse("needs:pledge_cancel", args=["1:abc:def"])).status_code == 404
    assert client.get("/needs/pledges/%00/").status_code == 404
    pledge_id = pledge.pk
    Pledge.objects.filter(pk=pledge_id).delete()
    assert client.get(reverse("needs:pledge_manage", args=[token])).status_code == 404


def test_a_forged_confirmation_link_is_a_404_and_confirms_nothing(client, need):
    pledge = make_pledge(need, quantity=3)
    token = pledge.manage_token()
    forged = [
        token[:-1] + ("y" if token.endswith("x") else "x"),  # altered
        f"{pledge.pk}:abc:def",  # made up
        signing.dumps(pledge.pk),  # signed, but not as a pledge link
        signing.dumps(pledge.pk, salt="volunteers.signup"),  # a sign-up's link
    ]
    for bad in forged:
        response = client.post(reverse("needs:pledge_confirm", args=[bad]))
        assert response.status_code == 404, bad
    pledge.refresh_from_db()
    need.refresh_from_db()
    assert (pledge.status, need.quantity_pledged) == (Pledge.Status.PENDING, 0)
    assert len(mail.outbox) == 1  # the "please confirm" email, and no confirmation
    # The real link still works: the refusals were the forgeries'.
    client.post(reverse("needs:pledge_confirm", args=[token]))
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CONFIRMED


def test_manage_pages_are_never_cached(client, need):
    response = client.get(make_pledge(need).get_manage_url())
    assert "no-store" in response["Cache-Control"]


def test_paused_and_archived_needs_are_not_public(client, need):
    for status in [Need.Status.PAUSED, Need.Status.ARCHIVED]:
        Need.objects.filter(pk=need.pk).update(status=status)
        assert client.get(need.get_absolute_url()).status_code == 404
        assert client.post(need.get_absolute_url(), pledge_data()).status_code == 404
    assert not Pledge.objects.exists()


def test_guests_are_limited_to_a_few_pledges_an_hour(client, need):
    for _ in range(3):
        assert client.post(need.get_absolute_url(), pledge_data(quantity="1")).status_code == 302
    response = client.post(need.get_absolute_url(), pledge_data(quantity="1"))
    assert "Too many pledges from here" in response.text
    assert Pledge.objects.count() == 3
    assert len(mail.outbox) == 3


def test_a_donor_sees_their_pledges_and_nobody_elses(client, need, donor, other_organization):
    make_pledge(need, donor=donor, quantity=2)
    other = make_user("other@example.test")
    make_pledge(need, donor=other, quantity=1)
    make_pledge(make_need(other_organization, "Bus passes"), donor=other, quantity=4)
    make_pledge(need, quantity=1)
    client.force_login(donor)
    response = client.get(reverse("needs:my_pledges"))
    assert response.text.count("\N{MULTIPLICATION SIGN} Hygiene kits") == 1
    assert "2 \N{MULTIPLICATION SIGN} Hygiene kits" in response.text
    assert "Bus passes" not in response.text
    assert "Justice Project KC" not in response.text
    # Nor does the page hand out a link that manages someone else's pledge.
    tokens = re.findall(r"/needs/pledges/([^/\s\"]+)/", response.text)
    linked = {signing.loads(token, salt=PLEDGE_TOKEN_SALT) for token in tokens}
    assert linked == {Pledge.objects.get(donor=donor).pk}


def test_my_pledges_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("needs:my_pledges"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_partly_delivered_pledge_keeps_its_quantity_when_its_date_changes(
    client, need, donor, coordinator
):
    pledge = make_pledge(need, donor=donor, quantity=4)
    services.pledge_receive(pledge, quantity=3, recorded_by=coordinator)
    expected_on = in_days(9)
    response = client.post(
        pledge.get_manage_url(), pledge_data(quantity="4", expected_on=expected_on)
    )
    assert response.status_code == 302
    response = client.post(pledge.get_manage_url(), pledge_data(quantity="2"))
    assert "3 of them already arrived, so enter at least 3." in response.text
    pledge.refresh_from_db()
    assert (pledge.quantity, pledge.expected_on) == (4, expected_on)


@time_machine.travel(MIDDAY, tick=False)
def test_a_date_after_the_needed_by_day_is_refused_next_to_the_field(client, organization):
    need = make_need(organization, needed_by=in_days(10))
    response = client.post(need.get_absolute_url(), pledge_data(expected_on=in_days(11)))
    assert response.status_code == 200
    assert "It is needed by March 14, 2026. Choose that day or an earlier one." in response.text
    assert f'value="{in_days(11).isoformat()}"' in response.text
    assert not Pledge.objects.exists()
    response = client.post(need.get_absolute_url(), pledge_data(expected_on=in_days(10)))
    assert response.status_code == 302
    assert Pledge.objects.get().expected_on == in_days(10)


@time_machine.travel(MIDDAY, tick=False)
def test_the_suggested_date_is_never_after_the_needed_by_day(client, organization):
    need = make_need(organization, needed_by=in_days(3))
    text = client.get(need.get_absolute_url()).text
    assert f'value="{in_days(3).isoformat()}"' in text
    assert f'max="{in_days(3).isoformat()}"' in text


@time_machine.travel(MIDDAY, tick=False)
def test_a_needed_by_day_already_past_does_not_stop_pledges(client, organization, donor):
    need = make_need(organization)
    Need.objects.filter(pk=need.pk).update(needed_by=in_days(-2))
    client.force_login(donor)
    response = client.post(need.get_absolute_url(), pledge_data(expected_on=in_days(5)))
    assert response.status_code == 302


@time_machine.travel(MIDDAY, tick=False)
def test_a_pledge_keeps_its_date_when_the_need_is_brought_forward_until_the_donor_changes_it(
    client, organization, donor
):
    need = make_need(organization, needed_by=in_days(20))
    pledge = make_pledge(need, donor=donor, quantity=2, expected_on=in_days(15))
    Need.objects.filter(pk=need.pk).update(needed_by=in_days(10))
    url = pledge.get_manage_url()
    response = client.post(url, pledge_data(quantity="3", expected_on=in_days(15)))
    assert response.status_code == 302
    response = client.post(url, pledge_data(quantity="3", expected_on=in_days(12)))
    assert "It is needed by March 14, 2026." in response.text
    pledge.refresh_from_db()
    assert (pledge.quantity, pledge.expected_on) == (3, in_days(15))


def test_cancelling_a_partly_delivered_pledge_keeps_what_arrived(client, need, donor, coordinator):
    pledge = make_pledge(need, donor=donor, quantity=3)
    services.pledge_receive(pledge, quantity=2, recorded_by=coordinator)
    url = pledge.get_manage_url()
    page = client.get(url).text
    assert "2 of 3 arrived · the rest still to come" in page
    assert "The 2 that arrived still count as given; only the rest is cancelled." in page
    assert "Cancel the rest of my pledge" in page
    assert 'data-confirm="Cancel the rest of your pledge? Those units open again' in page

    response = client.post(reverse("needs:pledge_cancel", args=[pledge.manage_token()]))
    page = client.get(response["Location"]).text
    assert "The rest of your pledge is cancelled. The 2 that arrived still count as given." in (
        page.replace("\n", " ")
    )
    assert "2 of 3 arrived · the rest cancelled" in page

    client.force_login(donor)
    mine = client.get(reverse("needs:my_pledges")).text
    assert "2 \N{MULTIPLICATION SIGN} Hygiene kits" in mine
    assert "3 \N{MULTIPLICATION SIGN} Hygiene kits" not in mine
    assert "2 of 3 arrived · the rest cancelled" in mine

    # The one unit that never came is open again, and no more than that.
    public = client.get(need.get_absolute_url()).text
    assert "2 received, 0 pledged, 10 needed" in public
    other = make_user("other@example.test")
    client.force_login(other)
    response = client.post(need.get_absolute_url(), pledge_data(quantity="9"))
    assert "Only 8 are still needed." in response.text
    response = client.post(need.get_absolute_url(), pledge_data(quantity="8"))
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.quantity_received, need.quantity_pledged) == (2, 8)


def test_a_pledge_cancelled_before_anything_arrived_still_reads_cancelled(client, need, donor):
    pledge = make_pledge(need, donor=donor, quantity=3)
    services.pledge_cancel(pledge)
    client.force_login(donor)
    mine = client.get(reverse("needs:my_pledges")).text
    assert "3 \N{MULTIPLICATION SIGN} Hygiene kits" in mine
    assert "Cancelled" in mine
    assert "arrived" not in mine


def test_a_pledge_released_after_part_arrived_reads_as_what_arrived(
    client, need, donor, coordinator
):
    pledge = make_pledge(need, donor=donor, quantity=4, expected_on=in_days(-8))
    services.pledge_receive(pledge, quantity=1, recorded_by=coordinator)
    client.force_login(coordinator)
    client.post(reverse("needs:pledge_release", args=[pledge.pk]))
    client.force_login(donor)
    mine = client.get(reverse("needs:my_pledges")).text
    assert "1 \N{MULTIPLICATION SIGN} Hygiene kits" in mine
    assert "1 of 4 arrived · the rest released" in mine


def test_cancelling_the_rest_after_one_arrived_says_it_in_the_singular(
    client, need, donor, coordinator
):
    pledge = make_pledge(need, donor=donor, quantity=3)
    services.pledge_receive(pledge, quantity=1, recorded_by=coordinator)
    url = pledge.get_manage_url()
    assert "The 1 that arrived still counts as given;" in client.get(url).text
    client.post(reverse("needs:pledge_cancel", args=[pledge.manage_token()]))
    page = client.get(url).text.replace("\n", " ")
    assert "The 1 that arrived still counts as given. Thank you" in page
    assert "1 of 3 arrived · the rest cancelled" in page


def test_my_pledges_runs_the_same_queries_with_ten_times_the_pledges(
    client, organization, donor, coordinator, django_assert_num_queries
):
    def pledge(count):
        for _ in range(count):
            need = make_need(organization, title=f"Item {Need.objects.count()}")
            place = make_pledge(need, donor=donor, quantity=3)
            services.pledge_receive(place, quantity=1, recorded_by=coordinator)

    pledge(2)
    client.force_login(donor)
    url = reverse("needs:my_pledges")
    # The session, the user with the header's "Manage" check, and the pledges.
    with django_assert_num_queries(3) as small:
        page = client.get(url).text
    assert page.count("1 of 3 arrived · the rest still to come") == 2
    pledge(18)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).text
    assert page.count("1 of 3 arrived · the rest still to come") == 20
