import pytest
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, CharField

from core.lib.prepared import Parameter, PreparedPages, PreparedQuery
from core.models import Membership, User
from tests.conftest import make_organization, make_user

pytestmark = pytest.mark.django_db


def test_a_prepared_query_is_built_once_and_runs_with_each_calls_values(
    django_assert_num_queries,
):
    builds = []

    def build():
        builds.append(1)
        email = Parameter("email", CharField())
        return User.objects.filter(email=email).order_by().values_list("email", "name")

    query = PreparedQuery(build)
    make_user("ana@example.test", "Ana")
    make_user("ben@example.test", "Ben")

    with django_assert_num_queries(3):
        assert query.rows(email="ana@example.test") == [("ana@example.test", "Ana")]
        assert query.rows(email="ben@example.test") == [("ben@example.test", "Ben")]
        assert query.rows(email="nobody@example.test") == []
    assert len(builds) == 1


def test_a_prepared_query_asks_for_exactly_its_values():
    query = PreparedQuery(
        lambda: User.objects.filter(email=Parameter("email", CharField())).values_list("pk")
    )
    with pytest.raises(TypeError, match=r"takes \['email'\], not \['mail'\]"):
        query.rows(mail="ana@example.test")
    with pytest.raises(TypeError):
        query.rows()


def memberships_by_organization_name():
    return (
        Membership.objects.filter(user=Parameter("user", BigIntegerField()))
        .select_related("organization")
        .only("role", "organization__name")
        .order_by("organization__name")
    )


def test_a_prepared_model_query_gives_a_slice_of_instances_with_what_it_selects(
    django_assert_num_queries,
):
    ana, ben = make_user("ana@example.test"), make_user("ben@example.test")
    for name in ["Delta", "Alpha", "Charlie", "Bravo"]:
        organization = make_organization(name)
        Membership.objects.create(user=ana, organization=organization)
    Membership.objects.create(user=ben, organization=organization)
    query = PreparedQuery(memberships_by_organization_name)

    with django_assert_num_queries(3):
        first_two = query.objects(0, 2, user=ana.pk)
        assert [m.organization.name for m in first_two] == ["Alpha", "Bravo"]
        assert [m.organization.name for m in query.objects(2, 4, user=ana.pk)] == [
            "Charlie",
            "Delta",
        ]
        assert [m.organization.name for m in query.objects(0, 10, user=ben.pk)] == ["Bravo"]
    # The same instances the ORM gives, deferred fields and all.
    assert first_two == list(Membership.objects.filter(user=ana).order_by("organization__name")[:2])
    assert first_two[0].get_deferred_fields() == {"user_id", "created_at"}
    assert first_two[0].role == Membership.Role.COORDINATOR
    with django_assert_num_queries(1):
        every = query.objects(user=ana.pk)
    assert [m.organization.name for m in every] == ["Alpha", "Bravo", "Charlie", "Delta"]


def test_prepared_pages_are_what_a_paginator_pages_through(django_assert_num_queries):
    ana = make_user("ana@example.test")
    for number in range(5):
        Membership.objects.create(user=ana, organization=make_organization(f"Org {number}"))
    places = PreparedPages(PreparedQuery(memberships_by_organization_name), 5, user=ana.pk)
    paginator = Paginator(places, 2)
    assert paginator.count == 5 and paginator.num_pages == 3
    with django_assert_num_queries(1):
        last = paginator.get_page(3)
        assert [m.organization.name for m in last] == ["Org 4"]
    assert last.has_previous() and not last.has_next()


def test_prepared_pages_of_nothing_are_an_empty_first_page(django_assert_num_queries):
    ana = make_user("ana@example.test")
    # Places the count did not see yet (taken since it ran) stay off an empty page.
    Membership.objects.create(user=ana, organization=make_organization("Alpha"))
    places = PreparedPages(PreparedQuery(memberships_by_organization_name), 0, user=ana.pk)
    with django_assert_num_queries(0):
        assert list(Paginator(places, 2).get_page(1)) == []
