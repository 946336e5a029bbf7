"""Get a generated data set ready for a load run, and count each page's SQL queries.

Run by bench/run.py with the benchmark's environment (bench.settings, DEBUG=0):

    python bench/prepare.py PLAN.json

It clears what earlier runs left (the sign-up pool's places, queued tasks, sessions, the
cache), opens a session in the database for each account the load uses, fetches every
measured page in-process with Django's test client under CaptureQueriesContext (three
times: the first fetch, before anything is cached, is reported as "cold", the third as
the per-request count), and writes the plan the load driver follows.
"""

import json
import os
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from core.lib.sessions import session_for  # noqa: E402
from core.management.commands.bench_data import (  # noqa: E402
    BENCH_COORDINATOR,
    BENCH_ORG,
    BENCH_VOLUNTEER,
    PASSWORD,
    ROSTER_TITLE,
    SIGNUP_DESK,
    SIGNUP_TITLE,
    data_marker,
)
from core.models import Organization, User  # noqa: E402
from volunteers.models import Shift, SignUp  # noqa: E402

HOST = "127.0.0.1"
# What a page's body must contain for the request to count as served right.
LOGGED_IN = 'action="/accounts/logout/"'
SIGNED_UP = "message--success"

# Who must reach which throughput, as a share of the bare view's (issue 6).
ANONYMOUS, HOME, LOGGED = "anonymous", "home", "logged-in"


def pages():
    """The measured pages, in the order the driver runs them."""
    volunteer = User.objects.get(email=BENCH_VOLUNTEER)
    coordinator = User.objects.get(email=BENCH_COORDINATOR)
    organization = Organization.objects.get(slug=BENCH_ORG)
    roster = Shift.objects.get(title=ROSTER_TITLE, organization=organization)
    volunteer_session = session_for(volunteer)
    coordinator_session = session_for(coordinator)

    logins = {volunteer_session: volunteer.email, coordinator_session: coordinator.email}

    def get(name, path, group, session=None, label=None):
        return {
            "name": name,
            "label": label or name,
            "group": group,
            "method": "GET",
            "path": path,
            # The in-process count uses this session; the driver logs in for real.
            "session": session,
            "login": {"email": logins[session], "password": PASSWORD} if session else None,
            "expect": LOGGED_IN if session else "",
        }

    return [
        get("bare", "/bench/bare/", "ceiling", label="bare view (ceiling)"),
        get(
            "shell",
            "/bench/shell/",
            "ceiling",
            volunteer_session,
            label="logged-in shell (ceiling)",
        ),
        get("home", "/", HOME),
        get("shift_list", "/shifts/", ANONYMOUS, label="shift list"),
        get(
            "shift_list_filtered",
            f"/shifts/?organization={organization.slug}&kind=meal",
            ANONYMOUS,
            label="shift list ?organization&kind",
        ),
        get(
            "organization",
            f"/organizations/{organization.slug}/",
            ANONYMOUS,
            label="organization page",
        ),
        get("need_list", "/needs/", ANONYMOUS, label="needs list"),
        get(
            "shift_list_volunteer",
            "/shifts/",
            LOGGED,
            volunteer_session,
            label="shift list (logged in)",
        ),
        get("my_shifts", "/shifts/mine/", LOGGED, volunteer_session, label="my shifts (200)"),
        get(
            "my_past_shifts",
            "/shifts/mine/past/",
            LOGGED,
            volunteer_session,
            label="my past shifts (200)",
        ),
        get(
            "roster",
            f"/shifts/manage/shift/{roster.pk}/",
            LOGGED,
            coordinator_session,
            label="coordinator roster",
        ),
        {
            "name": "signup_post",
            "label": "sign-up POST (htmx)",
            "group": LOGGED,
            "method": "POST",
            "expect": SIGNED_UP,
        },
        get("bare_end", "/bench/bare/", "check", label="bare view again (drift)"),
    ]


def signup_fixture():
    """The sign-up POST's volunteers and shifts, with the pool's old places cleared."""
    desk = Organization.objects.get(slug=SIGNUP_DESK)
    shifts = list(
        Shift.objects.filter(organization=desk, title=SIGNUP_TITLE)
        .order_by("start")
        .values_list("pk", flat=True)
    )
    pool = list(User.objects.filter(email__startswith="bench-signup-").order_by("email"))
    SignUp.objects.filter(volunteer__in=pool).delete()
    # The last volunteer and the last shifts are kept for the in-process count.
    return pool[:-1], shifts[:-3], pool[-1], shifts[-3:]


def count_queries(client, method, path, repeat=3, **extra):
    """Fetch a page `repeat` times; the queries of the first and of the last fetch."""
    fetches = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method.lower())(path, **extra)
        fetches.append((response, captured.captured_queries))
    return fetches


def measure(page, spare_volunteer, spare_shifts):
    if page["method"] == "POST":
        client = Client(SERVER_NAME=HOST, headers={"HX-Request": "true"})
        client.cookies["sessionid"] = session_for(spare_volunteer)
        fetches = []
        for pk in spare_shifts:
            fetches += count_queries(client, "POST", f"/shifts/{pk}/sign-up/", repeat=1)
        SignUp.objects.filter(volunteer=spare_volunteer).delete()
    else:
        client = Client(SERVER_NAME=HOST)
        if page["session"]:
            client.cookies["sessionid"] = page["session"]
        fetches = count_queries(client, "GET", page["path"])
    for response, _queries in fetches:
        body = response.content.decode()
        if response.status_code != 200 or page["expect"] not in body:
            raise SystemExit(
                f"{page['name']}: in-process fetch answered {response.status_code} "
                f"without {page['expect']!r}; the data set or the page is broken."
            )
    first, last = fetches[0][1], fetches[-1][1]
    return {
        "queries": len(last),
        "queries_cold": len(first),
        "queries_steady": len({len(q) for _r, q in fetches[1:]}) == 1,
        "response_bytes": len(fetches[-1][0].content),
        "sql": [{"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in last],
    }


def main(plan_path):
    marker = data_marker()
    if marker is None:
        raise SystemExit("No benchmark data in this database: run bench_data first.")
    DBTaskResult.objects.all().delete()
    # The data set went in with bulk_create, which retires no cached page: start empty.
    cache.clear()
    import_module(settings.SESSION_ENGINE).SessionStore.get_model_class().objects.all().delete()
    pool, shifts, spare_volunteer, spare_shifts = signup_fixture()
    plan = {"data": marker, "database": connection.vendor, "pages": pages()}
    for page in plan["pages"]:
        page.update(measure(page, spare_volunteer, spare_shifts))
        print(f"  {page['label']:<32} {page['queries']:>3} queries", file=sys.stderr)
    post = next(page for page in plan["pages"] if page["method"] == "POST")
    post["sessions"] = [session_for(user) for user in pool]
    post["shifts"] = shifts
    post["csrf_path"] = f"/shifts/{shifts[0]}/"
    DBTaskResult.objects.all().delete()
    Path(plan_path).write_text(json.dumps(plan, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
