import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from core.models import User

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "hearth-test-Zq8v!R2m@K5w#T9p&L3x^N7c*B4j(F6h)D1s-G0y_U",
    "ALLOWED_HOSTS": "hearth.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://hearth.example.org",
}


def manage(*args, **env):
    # The browser tests allow async-unsafe calls in this process; production never does.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_cookies_are_secure_and_hsts_is_on():
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_SSL_REDIRECT)"
    )
    result = manage("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert result.stdout.split() == ["True", "True", "True", "True"], result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
def test_sqlite_uses_wal_and_waits_for_a_busy_database():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in connection.settings_dict["OPTIONS"]["init_command"]


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        (
            {"DB_PREPARED_STATEMENTS": ""},
            "{'sslmode': 'verify-full', 'server_side_binding': True, 'prepare_threshold': 5}",
        ),
        ({"DB_PREPARED_STATEMENTS": "0"}, "{'sslmode': 'verify-full'}"),
    ],
)
def test_postgresql_prepares_statements_unless_a_pooler_cannot_keep_them(switch, expected):
    script = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    url = "postgres://hearth@db.internal:5432/hearth?sslmode=verify-full"
    result = manage("shell", "--no-imports", "-c", script, DEBUG="1", DATABASE_URL=url, **switch)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.django_db
@pytest.mark.skipif(
    not connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold"),
    reason="PostgreSQL with prepared statements",
)
def test_postgresql_plans_a_repeated_query_once_per_connection():
    for _ in range(6):
        User.objects.filter(email="nobody@example.test").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('WHERE "core_user"."email" = $' in sql for sql in prepared), prepared


def test_static_files_from_the_coalitions_own_static_host_are_allowed_by_the_csp():
    script = (
        "from django.conf import settings as s; from django.templatetags.static import static;"
        "print(static('css/hearth.css')); print(s.SECURE_CSP['script-src']);"
        "print(s.SECURE_CSP['connect-src'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        DEBUG="1",
        STATIC_URL="https://static.hearth.example.org/",
    )
    assert result.returncode == 0, result.stderr
    url, script_src, connect_src = result.stdout.splitlines()
    assert url == "https://static.hearth.example.org/css/hearth.css"
    assert "https://static.hearth.example.org" in script_src
    assert "https://static.hearth.example.org" not in connect_src
