import pytest
import time_machine
from django.urls import reverse

from needs.models import Need, Pledge, Receipt
from tests.conftest import make_user

from .conftest import in_days, make_need, make_pledge

pytestmark = pytest.mark.django_db


def receive_url(organization):
    return reverse("needs:receive", args=[organization.slug])


def test_the_receive_page_lists_pledges_on_their_way_with_donor_contacts(
    client, organization, coordinator, need, donor
):
    make_pledge(need, donor=donor, quantity=4)
    make_pledge(need, quantity=2)  # a guest who never confirmed: not on its way
    client.force_login(coordinator)
    text = client.get(receive_url(organization)).text
    assert "Dana Donor" in text
    assert "mailto:donor@example.test" in text
    assert "4 of 4 still to come" in text
    # How the items come, in the organization's words, not the donor's choice.
    assert "· dropped off in person" in text
    assert "I will drop it off" not in text
    assert "Gail Guest" not in text


def test_marking_part_of_a_pledge_received_moves_the_progress(
    client, organization, coordinator, need, donor
):
    pledge = make_pledge(need, donor=donor, quantity=4)
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:pledge_receive", args=[pledge.pk]),
        {"quantity": "3"},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith(
        f'<section class="panel receive-group" id="receive-need-{need.pk}"'
    )
    assert '<progress class="need-progress__received" max="10" value="3"' in response.text
    assert "1 of 4 still to come" in response.text
    assert "Received 3 of “Hygiene kits” from Dana Donor." in response.text
    need.refresh_from_db()
    assert (need.quantity_received, need.quantity_pledged) == (3, 1)
    assert Receipt.objects.get().recorded_by == coordinator


def test_receiving_the_rest_without_javascript_returns_to_the_page(
    client, organization, coordinator, need, donor
):
    pledge = make_pledge(need, donor=donor, quantity=4)
    client.force_login(coordinator)
    response = client.post(reverse("needs:pledge_receive", args=[pledge.pk]), {"quantity": "4"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DELIVERED
    assert "No pledges are on their way right now." in client.get(response["Location"]).text


def test_receiving_more_than_was_pledged_is_explained_in_place(
    client, organization, coordinator, need, donor
):
    pledge = make_pledge(need, donor=donor, quantity=4)
    client.force_login(coordinator)
    response = client.post(reverse("needs:pledge_receive", args=[pledge.pk]), {"quantity": "9"})
    assert response.status_code == 200
    assert "Enter at most 4." in response.text
    assert "Ensure this value" not in response.text
    assert 'value="9"' in response.text
    need.refresh_from_db()
    assert need.quantity_received == 0


def test_a_need_closes_itself_when_received_reaches_needed(
    client, organization, coordinator, donor
):
    need = make_need(organization, quantity_needed=4)
    pledge = make_pledge(need, donor=donor, quantity=4)
    client.force_login(coordinator)
    client.post(reverse("needs:pledge_receive", args=[pledge.pk]), {"quantity": "4"})
    need.refresh_from_db()
    assert need.status == Need.Status.FULFILLED
    assert need.get_absolute_url() not in client.get(reverse("needs:need_list")).text


def test_walk_in_donations_count_as_received(client, organization, coordinator, need, donor):
    make_pledge(need, donor=donor, quantity=2)
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:walk_in", args=[organization.slug]),
        {"need": need.pk, "quantity": "5", "note": "Church drive"},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith('<form id="walk-in"')
    # The need's group elsewhere on the page is refreshed out of band.
    assert f'id="receive-need-{need.pk}" aria-labelledby' in response.text
    assert 'hx-swap-oob="true"' in response.text
    need.refresh_from_db()
    assert need.quantity_received == 5
    assert Receipt.objects.get().note == "Church drive"


def test_a_walk_in_for_another_organizations_need_is_refused(
    client, organization, other_organization, coordinator
):
    theirs = make_need(other_organization, "Their soap")
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:walk_in", args=[organization.slug]), {"need": theirs.pk, "quantity": "5"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    theirs.refresh_from_db()
    assert theirs.quantity_received == 0


def test_an_overdue_pledge_is_released_after_the_grace_period(
    client, organization, coordinator, need, donor
):
    pledge = make_pledge(need, donor=donor, quantity=4, expected_on=in_days(-8))
    client.force_login(coordinator)
    assert "Release: open these units again" in client.get(receive_url(organization)).text
    response = client.post(
        reverse("needs:pledge_release", args=[pledge.pk]), headers={"HX-Request": "true"}
    )
    assert "are open again" in response.text
    need.refresh_from_db()
    assert need.quantity_pledged == 0


def test_a_pledge_is_not_released_before_the_grace_period(
    client, organization, coordinator, need, donor
):
    pledge = make_pledge(need, donor=donor, quantity=4, expected_on=in_days(-2))
    client.force_login(coordinator)
    assert "Release: open" not in client.get(receive_url(organization)).text
    client.post(reverse("needs:pledge_release", args=[pledge.pk]))
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CONFIRMED
    with time_machine.travel(in_days(6).isoformat()):
        client.post(reverse("needs:pledge_release", args=[pledge.pk]))
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RELEASED


def test_receive_page_runs_the_same_number_of_queries_with_ten_times_the_pledges(
    client, organization, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)

    def pledges(count, start):
        for i in range(start, start + count):
            need = make_need(organization, f"Item {i}", quantity_needed=50)
            make_pledge(need, donor=make_user(f"d{i}@example.test"), quantity=2)

    pledges(2, 0)
    with django_assert_num_queries(5) as small:
        client.get(receive_url(organization))
    pledges(18, 2)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(receive_url(organization))
    assert response.text.count("Mark received") == 20


def test_each_needs_pledges_are_listed_together_under_it(client, organization, coordinator, donor):
    soap = make_need(organization, "Soap")
    towels = make_need(organization, "Towels")
    make_pledge(soap, donor=donor, quantity=1, expected_on=in_days(1))
    make_pledge(towels, donor=donor, quantity=1, expected_on=in_days(2))
    make_pledge(soap, donor=donor, quantity=1, expected_on=in_days(3))
    client.force_login(coordinator)
    text = client.get(receive_url(organization)).text
    assert text.count(f'id="receive-need-{soap.pk}"') == 1
    assert text.count(f'id="receive-need-{towels.pk}"') == 1


def walk_in_url(organization):
    return reverse("needs:walk_in", args=[organization.slug])


def test_a_walk_in_larger_than_the_need_still_lacks_is_refused_next_to_the_field(
    client, organization, coordinator, need
):
    client.force_login(coordinator)
    response = client.post(
        walk_in_url(organization), {"need": need.pk, "quantity": "9999", "note": "Church drive"}
    )
    assert response.status_code == 200
    assert (
        "Only 10 are still needed. To record more, first raise the quantity needed."
        in response.text
    )
    assert 'value="9999"' in response.text
    assert 'value="Church drive"' in response.text
    assert not Receipt.objects.exists()
    assert "0 received, 0 pledged, 10 needed" in client.get(need.get_absolute_url()).text


def test_a_refused_walk_in_is_explained_in_place_with_htmx(client, organization, coordinator, need):
    client.force_login(coordinator)
    response = client.post(
        walk_in_url(organization),
        {"need": need.pk, "quantity": "11"},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith('<form id="walk-in"')
    assert "Only 10 are still needed." in response.text
    assert 'value="11"' in response.text
    need.refresh_from_db()
    assert need.quantity_received == 0


def test_a_walk_in_cannot_take_the_units_donors_pledged(
    client, organization, coordinator, need, donor
):
    make_pledge(need, donor=donor, quantity=6)
    client.force_login(coordinator)
    response = client.post(walk_in_url(organization), {"need": need.pk, "quantity": "5"})
    assert (
        "Only 4 are still needed. Items a donor pledged are marked received under "
        "“Pledges on their way”. To record more, first raise the quantity needed."
    ) in response.text
    response = client.post(walk_in_url(organization), {"need": need.pk, "quantity": "4"})
    assert response.status_code == 302
    assert "4 received, 6 pledged, 10 needed" in client.get(need.get_absolute_url()).text


def test_a_walk_in_for_a_need_that_has_everything_is_refused(
    client, organization, coordinator, need
):
    client.force_login(coordinator)
    client.post(walk_in_url(organization), {"need": need.pk, "quantity": "10"})
    need.refresh_from_db()
    assert need.status == Need.Status.FULFILLED
    response = client.post(walk_in_url(organization), {"need": need.pk, "quantity": "1"})
    assert (
        "Everything needed has already arrived. To record more, first raise the quantity needed."
        in response.text
    )
    need.refresh_from_db()
    assert need.quantity_received == 10


def test_raising_the_need_first_lets_a_larger_walk_in_be_recorded(
    client, organization, coordinator, need
):
    client.force_login(coordinator)
    edit = {"title": need.title, "category": need.category, "priority": need.priority}
    response = client.post(
        reverse("needs:need_edit", args=[need.pk]), {**edit, "quantity_needed": "12"}
    )
    assert response.status_code == 302
    response = client.post(walk_in_url(organization), {"need": need.pk, "quantity": "12"})
    assert response.status_code == 302
    assert "12 received, 0 pledged, 12 needed" in client.get(need.get_absolute_url()).text


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Enter at least 1."),
        ("10001", "Enter at most 10000."),
        ("ten", "Enter a whole number."),
    ],
)
def test_a_walk_ins_bad_quantity_is_said_plainly(
    client, organization, coordinator, need, quantity, message
):
    client.force_login(coordinator)
    response = client.post(walk_in_url(organization), {"need": need.pk, "quantity": quantity})
    assert message in response.text
    assert "Ensure this value" not in response.text


def test_receiving_nothing_is_said_plainly(client, organization, coordinator, need, donor):
    pledge = make_pledge(need, donor=donor, quantity=4)
    client.force_login(coordinator)
    response = client.post(reverse("needs:pledge_receive", args=[pledge.pk]), {"quantity": "0"})
    assert "Enter at least 1." in response.text
    assert "Ensure this value" not in response.text


def test_after_releasing_the_only_pledge_the_item_says_none_is_on_its_way(
    client, organization, coordinator, need, donor
):
    pledge = make_pledge(need, donor=donor, quantity=4, expected_on=in_days(-8))
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:pledge_release", args=[pledge.pk]), headers={"HX-Request": "true"}
    )
    assert "No pledges for this item are on their way now." in response.text
    assert "has arrived" not in response.text


def test_after_the_last_units_arrive_the_item_says_everything_arrived(
    client, organization, coordinator, donor
):
    need = make_need(organization, quantity_needed=4)
    pledge = make_pledge(need, donor=donor, quantity=4)
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:pledge_receive", args=[pledge.pk]),
        {"quantity": "4"},
        headers={"HX-Request": "true"},
    )
    assert "Everything needed for this item has arrived." in response.text
    assert "No pledges for this item" not in response.text
