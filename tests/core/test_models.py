import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from core.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


def test_emails_are_stored_in_lower_case_and_are_unique():
    User.objects.create_user("Person@Example.TEST", "pw-123456789")
    assert User.objects.filter(email="person@example.test").exists()
    with pytest.raises(IntegrityError):
        User.objects.create_user("person@example.test", "pw-123456789")


def test_a_user_is_a_member_of_an_organization_once(organization, coordinator):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=coordinator, organization=organization)


def test_organization_speaks_spanish_where_it_has_spanish_text(organization):
    organization.summary_es = "Cuidado inmediato."
    with translation.override("es"):
        assert organization.localized_summary == "Cuidado inmediato."
        assert organization.localized_mission == organization.mission
    with translation.override("en"):
        assert organization.localized_summary == organization.summary


def test_ein_must_look_like_an_ein(organization):
    organization.ein = "123456789"
    with pytest.raises(ValidationError, match="12-3456789"):
        organization.full_clean()


def test_directory_search_matches_names_and_services(organization, other_organization):
    assert list(Organization.objects.search(text="heart")) == [organization]
    assert list(Organization.objects.search(service="meals")) == [other_organization]
