import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from needs.donations.models import Donation, DonationGoal, Frequency, RecurringGift
from tests.conftest import MIDDAY, make_user
from tests.needs.donation_helpers import (
    ACCOUNT,
    connect,
    donate_url,
    event,
    gift,
    make_donation,
    make_monthly_gift,
    session_object,
)

pytestmark = pytest.mark.django_db

Status = Donation.Status


def received(organization, cents=5000, **fields):
    fields.setdefault("status", Status.SUCCEEDED)
    fields.setdefault("paid_at", timezone.now())
    return make_donation(organization, amount_cents=cents, **fields)


def test_return_page_polls_while_processing_and_thanks_once_confirmed(
    client, send, organization, fake_stripe
):
    connect(organization)
    donation = make_donation(organization)
    url = donation.get_return_url()
    response = client.get(url)
    assert "Processing your gift" in response.text
    assert 'hx-trigger="every 2s"' in response.text

    send(event("checkout.session.completed", session_object(donation)))
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="donation-status"')
    assert "Thank you!" in response.text
    assert "hx-trigger" not in response.text


def test_return_page_of_an_unknown_gift_is_404(client):
    url = reverse("needs:donation_return", args=["5b0f4a4e-2f1c-4c55-9b46-3a1f1a2b3c4d"])
    assert client.get(url).status_code == 404


def test_donor_sees_their_gifts_and_downloads_a_year_end_summary(client, organization, donor):
    organization.legal_name = "Rended Heart Inc."
    organization.ein = "12-3456789"
    organization.save()
    received(
        organization, 5000, donor=donor, paid_at=timezone.make_aware(datetime.datetime(2026, 3, 1))
    )
    received(
        organization, 2500, donor=donor, paid_at=timezone.make_aware(datetime.datetime(2025, 3, 1))
    )
    received(organization, 9900)  # someone else's gift
    client.force_login(donor)
    response = client.get(reverse("needs:my_gifts"))
    assert "$50" in response.text and "$25" in response.text
    assert "$99" not in response.text
    summary = client.get(reverse("needs:gift_summary", args=[2026]))
    assert summary["Content-Disposition"] == 'attachment; filename="hearth-gifts-2026.txt"'
    text = summary.content.decode()
    assert "Rended Heart Inc." in text and "12-3456789" in text
    assert "$50" in text and "$25" not in text
    assert "No goods or services were provided" in text


def test_a_gift_on_new_years_eve_is_in_that_years_summary(client, organization, donor):
    # 11:30 p.m. on 31 December in Kansas City is already 1 January in UTC.
    paid_at = timezone.make_aware(datetime.datetime(2025, 12, 31, 23, 30))
    received(organization, 5000, donor=donor, paid_at=paid_at)
    client.force_login(donor)
    page = client.get(reverse("needs:my_gifts")).text
    assert f'href="{reverse("needs:gift_summary", args=[2025])}"' in page
    assert reverse("needs:gift_summary", args=[2026]) not in page
    summary = client.get(reverse("needs:gift_summary", args=[2025])).content.decode()
    assert "$50" in summary


def test_a_donor_never_sees_another_donors_gifts_or_their_summary(
    client, organization, other_organization, donor
):
    paid_at = timezone.make_aware(datetime.datetime(2026, 3, 1))
    received(organization, 5000, donor=donor, paid_at=paid_at)
    other = make_user("otto@example.test", "Otto Other")
    received(
        other_organization,
        7700,
        donor=other,
        donor_email="otto@example.test",
        donor_name="Otto Other",
        paid_at=paid_at,
    )
    make_monthly_gift(other_organization, other, amount_cents=3300)
    client.force_login(donor)

    page = client.get(reverse("needs:my_gifts")).text
    assert "$50" in page
    assert "$77" not in page and "$33" not in page
    assert "Justice Project KC" not in page
    assert "Monthly gifts" not in page

    summary = client.get(reverse("needs:gift_summary", args=[2026])).content.decode()
    assert "$50" in summary
    assert "$77" not in summary
    assert "Justice Project KC" not in summary
    assert "Otto" not in summary

    # The other donor sees their own, and not the first donor's.
    client.force_login(other)
    page = client.get(reverse("needs:my_gifts")).text
    assert "$77" in page and "$33 a month" in page
    assert "$50" not in page and "Rended Heart" not in page


def test_my_gifts_needs_a_login(client):
    assert client.get(reverse("needs:my_gifts")).status_code == 302
    assert client.get(reverse("needs:gift_summary", args=[2026])).status_code == 302


@pytest.fixture
def monthly_gift(organization, donor, fake_stripe):
    connect(organization)
    return make_monthly_gift(organization, donor, subscription_id="sub_9")


def cancel(client, gift):
    """The donor presses Cancel on their monthly gift: the page they land on (and `gift`
    reloaded)."""
    client.force_login(gift.donor)
    response = client.post(reverse("needs:monthly_gift_cancel", args=[gift.pk]), follow=True)
    gift.refresh_from_db()
    return response


def test_donor_cancels_a_monthly_gift_through_stripe(client, monthly_gift, fake_stripe):
    assert "is canceled" in cancel(client, monthly_gift).text
    sent = fake_stripe.last("/v1/subscriptions/sub_9")
    assert sent.method == "DELETE"
    assert sent.headers["Stripe-Account"] == ACCOUNT
    assert monthly_gift.status == RecurringGift.Status.CANCELED


def test_a_gift_already_cancelled_in_the_stripe_dashboard_is_cancelled_here_too(
    client, monthly_gift, fake_stripe
):
    fake_stripe.canceled_subscriptions.add("sub_9")  # its webhook has not arrived
    assert "is canceled" in cancel(client, monthly_gift).text
    assert fake_stripe.last("/v1/subscriptions/sub_9").method == "GET"
    assert monthly_gift.status == RecurringGift.Status.CANCELED


def test_a_gift_stripe_cannot_find_but_does_not_call_cancelled_stays_running(
    client, monthly_gift, fake_stripe
):
    fake_stripe.fail_next(404, "No such subscription", "invalid_request_error", "resource_missing")
    response = cancel(client, monthly_gift)
    assert "Stripe could not cancel the monthly gift. Please try again." in response.text
    assert monthly_gift.status == RecurringGift.Status.ACTIVE


def test_nobody_else_can_cancel_a_donors_monthly_gift(
    client, organization, volunteer, donor, fake_stripe
):
    gift = make_monthly_gift(organization, donor)
    client.force_login(volunteer)
    assert client.post(reverse("needs:monthly_gift_cancel", args=[gift.pk])).status_code == 404
    assert fake_stripe.requests == []


@time_machine.travel(MIDDAY, tick=False)
def test_goal_progress_counts_this_months_gifts_net_of_refunds(client, organization):
    DonationGoal.objects.create(
        organization=organization, title="Rent for the safe house", target_cents=100_000
    )
    received(organization, 30_000)
    received(organization, 10_000, refunded_cents=10_000, status=Status.REFUNDED)
    received(organization, 20_000, refunded_cents=5_000, status=Status.PARTIALLY_REFUNDED)
    received(organization, 50_000, paid_at=timezone.now() - datetime.timedelta(days=45))
    response = client.get(organization.get_absolute_url())
    assert 'value="45000"' in response.text
    assert "$450 given of a $1,000 goal" in response.text


@time_machine.travel(MIDDAY, tick=False)
def test_coordinator_sees_donations_totals_and_exports_them(client, organization, coordinator):
    received(organization, 5000, donor_name='=HYPERLINK("x")', is_anonymous=True, note="+1 for IDs")
    received(organization, 2500, frequency=Frequency.MONTHLY)
    make_donation(organization)  # pending: never shown
    client.force_login(coordinator)
    response = client.get(reverse("needs:manage_donations", args=[organization.slug]))
    assert response.status_code == 200
    assert "donor@example.test" in response.text
    assert "Asked to stay anonymous" in response.text
    assert "$75" in response.text

    export = client.get(reverse("needs:donations_export", args=[organization.slug, "csv"]))
    text = export.content.decode("utf-8-sig")
    assert text.count("\n") == 3
    assert "'=HYPERLINK" in text and "'+1 for IDs" in text
    xlsx = client.get(reverse("needs:donations_export", args=[organization.slug, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


GOAL_FORM = {"title": "Hacked goal", "target_dollars": "1", "period": "month", "is_active": "on"}


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("needs:manage_donations", "get", {}),
        ("needs:manage_donations", "post", GOAL_FORM),
        ("needs:connect_stripe", "post", {}),
        ("needs:donations_export", "get", {}),
    ],
    ids=["get manage_donations", "post goal", "post connect_stripe", "get donations_export"],
)
def test_outsiders_cannot_see_or_change_an_organizations_donations(
    client, organization, other_coordinator, volunteer, name, method, data, fake_stripe
):
    received(organization)
    DonationGoal.objects.create(
        organization=organization, title="Rent for the safe house", target_cents=100_000
    )
    args = [organization.slug, "csv"] if name == "needs:donations_export" else [organization.slug]
    url = reverse(name, args=args)
    send = getattr(client, method)
    response = send(url, data)  # anonymous: log in first
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for outsider in (other_coordinator, volunteer):
        client.force_login(outsider)
        assert send(url, data).status_code == 404
        assert send(url, data, headers={"HX-Request": "true"}).status_code == 404
    assert fake_stripe.requests == []
    goal = DonationGoal.objects.get()
    assert (goal.title, goal.target_cents, goal.is_active) == (
        "Rent for the safe house",
        100_000,
        True,
    )
    organization.refresh_from_db()
    assert organization.stripe_account_id == ""


def test_coordinator_connects_the_organizations_own_stripe_account(
    client, organization, coordinator, fake_stripe
):
    client.force_login(coordinator)
    response = client.post(reverse("needs:connect_stripe", args=[organization.slug]))
    assert response.status_code == 303
    assert response["Location"].startswith("https://connect.stripe.com/setup/s/")
    created = fake_stripe.last("/v1/accounts")
    assert created.params["controller[stripe_dashboard][type]"] == "full"
    assert created.params["controller[fees][payer]"] == "account"
    organization.refresh_from_db()
    assert organization.stripe_account_id.startswith("acct_test_")
    link = fake_stripe.last("/v1/account_links")
    assert link.params["account"] == organization.stripe_account_id
    assert link.params["type"] == "account_onboarding"

    fake_stripe.accounts[organization.stripe_account_id]["charges_enabled"] = True
    response = client.get(
        reverse("needs:manage_donations", args=[organization.slug]) + "?connect=return"
    )
    organization.refresh_from_db()
    assert organization.takes_donations
    assert "Connected: donors can give by card" in response.text


def test_the_donations_page_asks_for_what_receipts_need_until_it_is_there(
    client, organization, coordinator
):
    connect(organization)
    client.force_login(coordinator)
    url = reverse("needs:manage_donations", args=[organization.slug])
    edit_url = reverse("core:organization_edit", args=[organization.slug])
    text = client.get(url).text
    assert "Donors' receipts give your organization's legal name and EIN" in text
    assert f'<a href="{edit_url}">Add them' in text
    organization.legal_name, organization.ein = "Rended Heart Inc.", "12-3456789"
    organization.save()
    assert "legal name and EIN" not in client.get(url).text


def test_coordinator_sets_a_monthly_goal_and_bad_input_is_explained(
    client, organization, coordinator
):
    client.force_login(coordinator)
    url = reverse("needs:manage_donations", args=[organization.slug])
    response = client.post(url, {"title": "Bus passes", "target_dollars": "-3", "period": "month"})
    assert "Ensure this value is greater than or equal to 1." in response.text
    assert 'value="Bus passes"' in response.text
    client.post(
        url, {"title": "Bus passes", "target_dollars": "1500", "period": "month", "is_active": "on"}
    )
    assert DonationGoal.objects.get().target_cents == 150_000


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [("2026-11-01", "9999-12-31", "ends_on"), ("0001-01-01", "2026-12-31", "starts_on")],
)
def test_a_goal_date_far_from_today_is_refused_and_the_pages_keep_working(
    client, organization, coordinator, starts_on, ends_on, field
):
    connect(organization)
    client.force_login(coordinator)
    url = reverse("needs:manage_donations", args=[organization.slug])
    goal = {"title": "Winter coats", "target_dollars": "900", "period": "campaign"}
    response = client.post(url, {**goal, "starts_on": starts_on, "ends_on": ends_on})
    assert response.status_code == 200
    assert "Choose a date within five years of today." in response.text
    assert f'name="{field}" value="{starts_on if field == "starts_on" else ends_on}"' in (
        response.text
    )
    assert 'value="Winter coats"' in response.text
    assert not DonationGoal.objects.exists()
    for page in [
        url,
        organization.get_absolute_url(),
        reverse("needs:donate", args=[organization.slug]),
    ]:
        assert client.get(page).status_code == 200


def test_a_far_goal_date_is_explained_once_though_the_model_checks_it_too(
    client, organization, coordinator
):
    # Saved in the admin before it checked the dates; hidden, so the pages still work.
    DonationGoal.objects.create(
        organization=organization,
        title="Winter coats",
        target_cents=90_000,
        period=DonationGoal.Period.CAMPAIGN,
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(9999, 12, 31),
        is_active=False,
    )
    client.force_login(coordinator)
    url = reverse("needs:manage_donations", args=[organization.slug])
    goal = {"title": "Warm coats", "target_dollars": "900", "period": "campaign"}
    response = client.post(url, {**goal, "starts_on": "2026-11-01", "ends_on": "9999-12-31"})
    assert response.status_code == 200
    assert response.text.count("Choose a date within five years of today.") == 1
    assert DonationGoal.objects.get().title == "Winter coats"


@pytest.mark.parametrize("year", [0, 1999, 9999, 10000])
def test_a_summary_for_a_year_no_gift_can_be_from_is_not_found(client, donor, year):
    client.force_login(donor)
    assert client.get(reverse("needs:gift_summary", args=[year])).status_code == 404


def test_donation_list_queries_do_not_grow_with_gifts(
    client, organization, coordinator, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("needs:manage_donations", args=[organization.slug])
    for _ in range(5):
        received(organization)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for _ in range(50):
        received(organization)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def table_rows(text, heading_id):
    """The cells of each body row of the table under the heading `heading_id`, as text."""
    table = text.split(f'id="{heading_id}"', 1)[1].split("</table>", 1)[0]
    body = re.split(r"<tbody\b[^>]*>", table, maxsplit=1)[1]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, re.S)
    ]


def on(month, day):
    return timezone.make_aware(datetime.datetime(2026, month, day, 12))


def gifts_started_and_paid_on_different_days(organization, **fields):
    """A card gift on Dec 1, a bank payment started Oct 20 that arrived Nov 11, a card gift
    on Oct 22 and a payment declined on Nov 15: by when each began they read Dec 1,
    Nov 15, Oct 22, Nov 11."""
    for started, paid, status in [
        (on(10, 20), on(11, 11), Status.SUCCEEDED),
        (on(10, 22), on(10, 22), Status.SUCCEEDED),
        (on(11, 15), None, Status.FAILED),
        (on(12, 1), on(12, 1), Status.SUCCEEDED),
    ]:
        donation = make_donation(organization, status=status, paid_at=paid, **fields)
        Donation.objects.filter(pk=donation.pk).update(created_at=started)


NEWEST_FIRST = ["Dec. 1, 2026", "Nov. 15, 2026", "Nov. 11, 2026", "Oct. 22, 2026"]


def test_coordinator_sees_gifts_newest_first_by_the_date_shown(client, organization, coordinator):
    gifts_started_and_paid_on_different_days(organization)
    client.force_login(coordinator)
    text = client.get(reverse("needs:manage_donations", args=[organization.slug])).text
    assert [row[0] for row in table_rows(text, "gifts")] == NEWEST_FIRST


def test_donor_sees_their_gifts_newest_first_by_the_date_shown(client, organization, donor):
    gifts_started_and_paid_on_different_days(organization, donor=donor)
    client.force_login(donor)
    text = client.get(reverse("needs:my_gifts")).text
    assert [row[0] for row in table_rows(text, "history")] == NEWEST_FIRST


def test_the_export_lists_gifts_newest_first_by_the_date_it_gives(
    client, organization, coordinator
):
    gifts_started_and_paid_on_different_days(organization)
    client.force_login(coordinator)
    export = client.get(reverse("needs:donations_export", args=[organization.slug, "csv"]))
    dates = [line.split(",")[0] for line in export.content.decode("utf-8-sig").splitlines()[1:]]
    assert dates == ["2026-12-01", "2026-11-15", "2026-11-11", "2026-10-22"]


NOT_CHARGED = "Payment failed — you were not charged"


def gifts_after_one_stripe_could_not_start(client, organization, donor, fake_stripe):
    """A $250 gift the donor tried while Stripe was down; then a $33 card Stripe declined
    on its payment page, a $44 month of a monthly gift whose card was declined, and $55
    received."""
    connect(organization)
    client.force_login(donor)
    for _ in range(3):  # the first try and the stripe library's two retries
        fake_stripe.fail_next(status=500, message="boom", kind="api_error")
    client.post(donate_url(organization), gift(preset="250"))
    assert Donation.objects.get().status == Status.FAILED
    make_donation(organization, donor=donor, amount_cents=3300, status=Status.FAILED)
    make_donation(
        organization,
        donor=donor,
        amount_cents=4400,
        status=Status.FAILED,
        frequency=Frequency.MONTHLY,
        checkout_session_id="",
        invoice_id="in_test_renewal",
    )
    received(organization, 5500, donor=donor)


def test_my_gifts_leaves_out_a_gift_stripe_could_not_start_and_says_no_money_was_taken(
    client, organization, donor, fake_stripe
):
    gifts_after_one_stripe_could_not_start(client, organization, donor, fake_stripe)
    rows = table_rows(client.get(reverse("needs:my_gifts")).text, "history")
    assert [row[2:] for row in rows] == [
        ["$55", "Received"],
        ["$44 · monthly", NOT_CHARGED],
        ["$33", NOT_CHARGED],
    ]


def test_the_organizations_list_and_export_leave_out_a_gift_stripe_could_not_start(
    client, organization, donor, coordinator, fake_stripe
):
    gifts_after_one_stripe_could_not_start(client, organization, donor, fake_stripe)
    client.force_login(coordinator)
    page = client.get(reverse("needs:manage_donations", args=[organization.slug])).text
    assert [row[2:] for row in table_rows(page, "gifts")] == [
        ["$55", "Received"],
        ["$44 · monthly", "Failed"],
        ["$33", "Failed"],
    ]
    export = client.get(reverse("needs:donations_export", args=[organization.slug, "csv"]))
    lines = export.content.decode("utf-8-sig").splitlines()[1:]
    assert len(lines) == 3
    assert not any("250" in line for line in lines)


def test_my_gifts_queries_do_not_grow_with_gifts(
    client, organization, donor, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(donor)
    url = reverse("needs:my_gifts")
    make_monthly_gift(organization, donor)
    for _ in range(5):
        received(organization, donor=donor)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for _ in range(50):
        received(organization, donor=donor)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
