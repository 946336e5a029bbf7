"""The money donation form as a donor sees it: the summary of what to fix after a bad
submission, and the "cover the fee" label giving the fee in dollars for the chosen gift."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.response import TemplateResponse
from django.urls import reverse

from needs.donations.forms import DonationForm
from needs.donations.models import Donation
from tests.conftest import make_organization
from tests.needs.donation_helpers import connect, donate_url, gift

pytestmark = pytest.mark.django_db

GENERIC_FEE_LABEL = "Add the card processing fee so the organization receives my whole gift"


@pytest.fixture(autouse=True)
def stripe_fees(settings):
    """Stripe's standard US card fee, which the dollar figures below are worked out from."""
    settings.STRIPE_FEE_PERCENT = 2.9
    settings.STRIPE_FEE_FIXED_CENTS = 30


@pytest.fixture
def connected(organization):
    return connect(organization)


def fee_url(organization):
    return reverse("needs:donate_fee", args=[organization.slug])


def error_summary(text):
    """The error summary's box, or None."""
    box = re.search(r'<div class="message message--error" role="alert".*?</div>', text, re.S)
    return box and box.group()


def summary_links(box):
    """The (field id, error) of each link in an error summary, in order."""
    return re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', box)


def fee_label(text):
    """The text of the "cover the fee" checkbox's label, spaces collapsed."""
    label = re.search(r'<label for="id_cover_fee"[^>]*>(.*?)</label>', text, re.S)
    return " ".join(label.group(1).split())


def test_a_bad_gift_comes_back_with_a_summary_linking_each_error_to_its_field(
    client, connected, fake_stripe
):
    typed = gift(
        frequency="yearly",
        preset="other",
        custom_amount="abc",
        name="Dana Donor",
        email="dana@",
        note="For bus passes",
    )
    response = client.post(donate_url(connected), typed)

    assert response.status_code == 200
    summary = error_summary(response.text)
    assert '<h2 id="error-summary-title">Please check the following</h2>' in summary
    errors = summary_links(summary)
    assert errors == [
        ("id_frequency_0", "Select a valid choice. yearly is not one of the available choices."),
        ("id_custom_amount", "Enter an amount in dollars, like 40 or 12.50."),
        ("id_email", "Enter a valid email address."),
    ]
    for field_id, _error in errors:
        field = re.search(rf'<input [^>]*id="{field_id}"[^>]*>', response.text).group()
        assert 'aria-invalid="true"' in field
    # Each error is still next to its field too.
    assert '<ul class="errorlist" id="id_frequency_error">' in response.text
    assert re.search(r'id="id_custom_amount_error"><li>Enter an amount in dollars', response.text)
    assert re.search(r'id="id_email_error"><li>Enter a valid email address', response.text)
    # And what the donor typed is kept.
    assert 'value="abc"' in response.text
    assert 'value="Dana Donor"' in response.text
    assert 'value="dana@"' in response.text
    assert "For bus passes</textarea>" in response.text
    assert not Donation.objects.exists()
    assert fake_stripe.requests == []


def test_a_fresh_form_has_no_summary(client, connected):
    response = client.get(donate_url(connected))
    assert error_summary(response.text) is None
    assert "Please check the following" not in response.text


def test_an_error_about_the_whole_gift_is_in_the_summary_once(rf, connected):
    form = DonationForm(gift())
    form.add_error(None, "Gifts to this organization are paused.")
    request = rf.get(donate_url(connected))
    request.user = AnonymousUser()
    response = TemplateResponse(
        request, "needs/donate.html", {"organization": connected, "form": form}
    ).render()
    text = response.content.decode()
    assert text.count("Gifts to this organization are paused.") == 1
    summary = error_summary(text)
    assert "Please check the following" in summary
    assert "<li>Gifts to this organization are paused.</li>" in summary


@pytest.mark.parametrize(
    "chosen",
    [None, {"preset": "100", "frequency": "monthly"}, {"preset": "other", "custom_amount": "abc"}],
    ids=["fresh form", "form sent back", "form sent back with a bad amount"],
)
def test_the_page_gives_the_fee_in_words_true_of_whatever_gift_is_chosen(client, connected, chosen):
    """Without JavaScript the donor may pick another gift after the page is drawn: the page
    cannot know it, so it gives no dollar figure, only htmx does (below)."""
    if chosen is None:
        response = client.get(donate_url(connected))
    else:
        response = client.post(donate_url(connected), gift(email="dana@", **chosen))
    assert response.status_code == 200
    assert fee_label(response.text) == GENERIC_FEE_LABEL


@pytest.mark.parametrize(
    ("chosen", "label"),
    [
        ({"preset": "25"}, "Add $1.06 to cover card fees, so Rended Heart receives the full $25"),
        (
            {"preset": "other", "custom_amount": "40"},
            "Add $1.51 to cover card fees, so Rended Heart receives the full $40",
        ),
        (
            {"preset": "other", "custom_amount": "$1,250"},
            "Add $37.65 to cover card fees, so Rended Heart receives the full $1,250",
        ),
        (
            {"preset": "other", "custom_amount": "12.50", "frequency": "monthly"},
            "Add $0.69 a month to cover card fees, so Rended Heart receives the full $12.50 "
            "each month",
        ),
        (
            {"preset": "other", "custom_amount": "25000", "frequency": "monthly"},
            "Add $746.97 a month to cover card fees, so Rended Heart receives the full $25,000 "
            "each month",
        ),
    ],
)
def test_the_fee_view_answers_with_the_label_for_the_amount_chosen(
    client, connected, chosen, label
):
    response = client.get(fee_url(connected), gift(**chosen), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert " ".join(response.text.split()) == label


@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"preset": "other", "custom_amount": ""},
        {"preset": "other", "custom_amount": "abc"},
        {"preset": "other", "custom_amount": "-5"},
        {"preset": "other", "custom_amount": "0.5"},
        {"preset": "other", "custom_amount": "NaN"},
        {"preset": "other", "custom_amount": "1e999999"},
        {"preset": "other", "custom_amount": "25000.01"},
        {"preset": "other", "custom_amount": "10.005"},
        {"preset": "other", "custom_amount": "9" * 5000},
        {"preset": "other", "custom_amount": "1\x00"},
        {"preset": "1000000"},
        {"preset": "<script>", "frequency": "yearly"},
    ],
)
def test_the_fee_view_answers_bad_input_with_the_plain_label(client, connected, chosen):
    response = client.get(fee_url(connected), chosen, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert " ".join(response.text.split()) == GENERIC_FEE_LABEL


def test_a_spanish_page_asks_for_the_fee_label_in_spanish(client, connected):
    url = fee_url(connected)
    text = client.get(f"/es{donate_url(connected)}").text
    assert f'hx-get="/es{url}"' in text


def test_the_page_asks_for_the_fee_label_again_when_the_amount_changes(client, connected):
    text = client.get(donate_url(connected)).text
    assert f'hx-get="{fee_url(connected)}"' in text
    assert 'hx-trigger="load, change from:#gift-frequency' in text
    assert 'hx-include="#gift-frequency, #gift-amount"' in text
    assert 'id="gift-frequency"' in text and 'id="gift-amount"' in text


def test_an_unpublished_organization_has_no_fee_label(client):
    hidden = connect(make_organization("Hidden House", published=False), account="acct_hidden")
    assert client.get(fee_url(hidden), {"preset": "50"}).status_code == 404


# What the donor sees chosen is what is charged.


def test_a_preset_with_an_amount_typed_too_is_asked_about_and_nothing_is_charged(
    client, connected, fake_stripe
):
    """Without JavaScript (which empties the box when a preset is chosen) the donor can
    send both: the server does not guess which one is meant."""
    response = client.post(donate_url(connected), gift(preset="25", custom_amount="40"))

    assert response.status_code == 200
    error = "Choose “Other amount” to give the amount typed here, or empty this box to give $25."
    assert f'id="id_custom_amount_error"><li>{error}</li>' in response.text
    assert summary_links(error_summary(response.text)) == [("id_custom_amount", error)]
    # Both stay as the donor left them, to choose between.
    assert re.search(r'<input [^>]*value="40"[^>]*id="id_custom_amount"', response.text)
    assert re.search(r'<input [^>]*value="25"[^>]*checked[^>]*>', response.text)
    assert not Donation.objects.exists()
    assert fake_stripe.requests == []


@pytest.mark.parametrize(("preset", "cents"), [("25", 2500), ("250", 25000)])
def test_a_preset_with_the_box_empty_is_the_gift(client, connected, fake_stripe, preset, cents):
    client.post(donate_url(connected), gift(preset=preset, custom_amount="  "))
    assert Donation.objects.get().amount_cents == cents
    assert fake_stripe.last("/v1/checkout/sessions").params[
        "line_items[0][price_data][unit_amount]"
    ] == str(cents)


def test_other_amount_with_the_box_empty_is_explained_next_to_the_box(
    client, connected, fake_stripe
):
    response = client.post(donate_url(connected), gift(preset="other", note="For IDs"))
    assert re.search(r'id="id_custom_amount_error"><li>Enter an amount in dollars', response.text)
    assert "For IDs</textarea>" in response.text
    assert not Donation.objects.exists()
    assert fake_stripe.requests == []


def test_the_fee_view_gives_no_figure_for_a_preset_with_an_amount_typed_too(client, connected):
    """It follows the rule the form is sent by: the page never names an amount that
    submitting would not charge."""
    chosen = gift(preset="250", custom_amount="40")
    response = client.get(fee_url(connected), chosen, headers={"HX-Request": "true"})
    assert " ".join(response.text.split()) == GENERIC_FEE_LABEL


def test_the_amount_box_names_the_button_that_typing_in_it_chooses(client, connected):
    text = client.get(donate_url(connected)).text
    box = re.search(r'<input [^>]*id="id_custom_amount"[^>]*>', text).group()
    assert 'data-selects="id_preset_4"' in box
    assert re.search(r'<input [^>]*value="other"[^>]*id="id_preset_4"', text)


# Only plain dollar amounts.


@pytest.mark.parametrize(
    "typed",
    [
        "1e3",
        "1E3",
        "2.5e1",
        "1e999999",
        "1E+999999999",
        "1_000",
        "12,50",
        "1,0000",
        "Infinity",
        "٤٠",
        "0x28",
        "4 0",
    ],
)
def test_an_amount_that_is_not_plain_dollars_is_refused_and_kept(
    client, connected, fake_stripe, typed
):
    response = client.post(donate_url(connected), gift(preset="other", custom_amount=typed))
    assert response.status_code == 200
    assert re.search(
        r'id="id_custom_amount_error"><li>Enter an amount in dollars, like 40 or 12.50.</li>',
        response.text,
    )
    assert f'value="{typed}"' in response.text
    assert not Donation.objects.exists()
    assert fake_stripe.requests == []


@pytest.mark.parametrize("typed", ["1e3", "1_000", "12,50"])
def test_the_fee_view_gives_no_figure_for_an_amount_that_is_not_plain_dollars(
    client, connected, typed
):
    chosen = gift(preset="other", custom_amount=typed)
    response = client.get(fee_url(connected), chosen, headers={"HX-Request": "true"})
    assert " ".join(response.text.split()) == GENERIC_FEE_LABEL


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("40", 4000),
        ("$40", 4000),
        ("$ 40", 4000),
        (" 12.5 ", 1250),
        ("12.05", 1205),
        ("1,000", 100_000),
        ("$25,000.00", 2_500_000),
    ],
)
def test_plain_dollar_amounts_are_accepted(client, connected, fake_stripe, typed, cents):
    client.post(donate_url(connected), gift(preset="other", custom_amount=typed))
    assert Donation.objects.get().amount_cents == cents
