"""Show each SQL query a measured page runs, its time and its query plan.

    DATABASE_URL=... python bench/explain.py shift_list [roster ...] [--analyze]

Run after a `make bench` on the same database (it reads var/bench/plan.json for the
pages and their sessions; run.py gives every run a new SECRET_KEY, so this logs the
accounts in afresh). Prints EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL, or
with --analyze EXPLAIN (ANALYZE, BUFFERS), which runs the query.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.models import User  # noqa: E402


def explain(sql, analyze):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(f"  {row[-1]}" for row in cursor.fetchall())
        options = "(ANALYZE, BUFFERS)" if analyze else ""
        cursor.execute(f"EXPLAIN {options} {sql}")
        return "\n".join(f"  {row[0]}" for row in cursor.fetchall())


def main(names, analyze):
    plan = json.loads((ROOT / "var" / "bench" / "plan.json").read_text())
    for page in plan["pages"]:
        if page["name"] not in names or page["method"] != "GET":
            continue
        client = Client(SERVER_NAME="127.0.0.1")
        if page.get("login"):
            client.force_login(User.objects.get(email=page["login"]["email"]))
        client.get(page["path"])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page["path"])
        print(f"== {page['label']}: {page['path']} -> {response.status_code}")
        for number, query in enumerate(captured.captured_queries, 1):
            sql = query["sql"]
            print(f"\n-- query {number}, {float(query['time']) * 1000:.1f} ms\n{sql}")
            if sql.lstrip().upper().startswith("SELECT"):
                print(explain(sql, analyze))
        print()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main([a for a in arguments if not a.startswith("--")], "--analyze" in arguments)
