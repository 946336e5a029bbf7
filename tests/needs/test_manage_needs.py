import pytest
from django.urls import reverse

from needs.models import Need

from .conftest import in_days, make_need, make_pledge

pytestmark = pytest.mark.django_db


def manage_url(organization):
    return reverse("needs:manage_needs", args=[organization.slug])


def need_data(**overrides):
    data = {
        "title": "Twin sheet sets",
        "category": "bedding",
        "priority": "high",
        "quantity_needed": "12",
        "unit": "sets",
        "needed_by": in_days(20).isoformat(),
        "description": "New, in the package.",
    }
    data.update(overrides)
    return data


def test_coordinator_posts_a_need(client, organization, coordinator):
    client.force_login(coordinator)
    response = client.post(manage_url(organization), need_data())
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.organization, need.title, need.quantity_needed, need.status) == (
        organization,
        "Twin sheet sets",
        12,
        "open",
    )
    assert "“Twin sheet sets” is posted." in client.get(response["Location"]).text


def test_htmx_post_answers_with_a_fresh_form_the_new_list_and_a_message(
    client, organization, coordinator
):
    client.force_login(coordinator)
    response = client.post(manage_url(organization), need_data(), headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<form id="need-form"')
    assert '<div id="need-list" hx-swap-oob="true">' in response.text
    assert "Twin sheet sets" in response.text
    assert "is posted." in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity_needed", "-4", "Enter at least 1."),
        ("quantity_needed", "10001", "Enter at most 10000."),
        ("quantity_needed", "a dozen", "Enter a whole number."),
        ("category", "spaceships", "Select a valid choice."),
        ("needed_by", "2020-01-01", "Choose today or a later date, or leave it empty."),
        ("needed_by", "2205-05-01", "Pick a day from Jan. 1, 2000 to Dec. 31, 2099."),
        ("title", "", "This field is required."),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_is_kept(
    client, organization, coordinator, field, value, message
):
    client.force_login(coordinator)
    response = client.post(manage_url(organization), need_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert 'value="sets"' in response.text
    assert not Need.objects.exists()


def test_the_list_shows_current_needs_and_tabs_by_status(client, organization, coordinator):
    make_need(organization, "Open soap")
    make_need(organization, "Paused pillows", status=Need.Status.PAUSED)
    make_need(organization, "Archived coats", status=Need.Status.ARCHIVED)
    client.force_login(coordinator)
    text = client.get(manage_url(organization)).text
    assert "Open soap" in text and "Paused pillows" in text and "Archived coats" not in text
    response = client.get(
        manage_url(organization), {"status": "archived"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<div id="need-list"')
    assert "Archived coats" in response.text and "Open soap" not in response.text


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("pause", "open", "paused"),
        ("resume", "paused", "open"),
        ("archive", "open", "archived"),
        ("reopen", "archived", "open"),
    ],
)
def test_quick_actions_pause_resume_archive_and_reopen(
    client, organization, coordinator, action, before, after
):
    need = make_need(organization, status=before)
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:need_action", args=[need.pk]),
        {"action": action},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith(f'<article class="card need-row" id="need-{need.pk}"')
    assert 'hx-swap-oob="true"' in response.text
    need.refresh_from_db()
    assert need.status == after


def test_reprioritising_without_javascript_returns_to_the_list(client, organization, coordinator):
    need = make_need(organization)
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:need_action", args=[need.pk]), {"action": "priority", "priority": "urgent"}
    )
    assert response.status_code == 302
    assert response["Location"] == manage_url(organization)
    need.refresh_from_db()
    assert need.priority == "urgent"


def test_an_unknown_action_changes_nothing(client, organization, coordinator):
    need = make_need(organization)
    client.force_login(coordinator)
    client.post(reverse("needs:need_action", args=[need.pk]), {"action": "delete"})
    client.post(reverse("needs:need_action", args=[need.pk]), {"action": "priority"})
    need.refresh_from_db()
    assert (need.status, need.priority) == ("open", "normal")


def test_editing_keeps_the_pledge_totals_and_raising_reopens(
    client, organization, coordinator, donor
):
    need = make_need(organization, quantity_needed=3)
    make_pledge(need, donor=donor, quantity=2)
    Need.objects.filter(pk=need.pk).update(quantity_received=3, status="fulfilled")
    client.force_login(coordinator)
    url = reverse("needs:need_edit", args=[need.pk])
    assert "Hygiene kits" in client.get(url).text
    response = client.post(
        url, need_data(title="Hygiene kits", category="hygiene", quantity_needed="8")
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.quantity_needed, need.quantity_pledged, need.status) == (8, 2, "open")


def test_an_existing_past_needed_by_date_may_stay(client, organization, coordinator):
    need = make_need(organization, needed_by=in_days(-3))
    client.force_login(coordinator)
    response = client.post(
        reverse("needs:need_edit", args=[need.pk]),
        need_data(needed_by=need.needed_by.isoformat(), category="hygiene"),
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith('<form id="editor"')
    assert "is saved." in response.text
