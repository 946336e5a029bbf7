import pytest
from django.urls import reverse

from needs.models import DropOff

pytestmark = pytest.mark.django_db


def test_coordinator_sets_the_drop_off_place_hours_and_instructions(
    client, organization, coordinator
):
    client.force_login(coordinator)
    url = reverse("needs:dropoff_edit", args=[organization.slug])
    page = client.get(url).text
    # Anyone can pledge and so learn the place: the page says what never to put there.
    assert "Anyone can pledge, even without an account. Never give the address of a safe" in page
    assert "Anyone can pledge, so this does not keep it secret." in page
    response = client.post(
        url,
        {
            "place": "Front office",
            "hours": "Mon-Fri 9am-4pm",
            "instructions": "Ring the bell.",
            "shipping_address": "",
        },
    )
    assert response.status_code == 302
    dropoff = DropOff.objects.get(organization=organization)
    assert (dropoff.place, dropoff.place_is_public) == ("Front office", False)


def test_htmx_save_answers_with_the_form_and_a_message(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:dropoff_edit", args=[organization.slug]),
        {"place": "Front office", "place_is_public": "on", "hours": "", "instructions": ""},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith('<form id="editor"')
    assert "Drop-off settings are saved." in response.text


def test_overlong_input_is_explained_and_kept(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:dropoff_edit", args=[organization.slug]),
        {"place": "x" * 300, "hours": "9-4"},
    )
    assert "Ensure this value has at most 250 characters" in response.text
    assert 'value="9-4"' in response.text
    assert not DropOff.objects.exists()
