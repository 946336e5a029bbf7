import pytest
from django.db.models import CharField

from core.lib.prepared import Parameter, PreparedQuery
from core.models import User
from tests.conftest import make_user

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
