"""Hearth's load benchmark, end to end (`make bench`; see bench/README.md).

    python bench/run.py [--scale 0.1] [--db sqlite|postgres] [--database-url URL]
                        [--duration 10] [--warmup 2] [--connections 32] [--workers 2]

1. migrate, createcachetable and collectstatic with production settings (DEBUG=0);
2. bench_data --scale N --reuse (timed; reused if made today at the same scale);
3. bench/prepare.py: sessions, in-process SQL query counts, the plan;
4. gunicorn (sync workers) on 127.0.0.1, serving bench.settings: Hearth plus /bench/bare/;
5. bench/driver.py, in its own process, drives each page for a bounded time;
6. each gunicorn worker's RSS from /proc, then the server stops;
7. a table on stdout and JSON in var/bench/.

--db postgres starts a throwaway cluster with .ci/postgres.sh and removes it afterwards.
"""

import argparse
import json
import os
import platform
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
HOST = "127.0.0.1"
# Throughput each group of pages must reach, as a share of the bare view's (issue 6).
TARGET_SHARE = {"home": 0.50, "anonymous": 0.35, "logged-in": 0.10}
P99_MS = 150
RSS_MB = 150


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(env, *command, capture=False):
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [str(c) for c in command],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout, time.perf_counter() - started


def start_postgres():
    output = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / ".ci" / "postgres.sh"), "start"],  # noqa: S607
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout
    values = {}
    for line in output.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        values[name] = shlex.split(value)[0]
    return values["HEARTH_PG_DIR"], values["DATABASE_URL"]


def stop_postgres(directory):
    subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "stop", directory], check=False)  # noqa: S603, S607


def wait_until_up(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it served a request")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/bench/bare/", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command may hold spaces and parentheses: the fields follow the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def memory(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"pid": pid, "rss_mb": fields.get("VmRSS"), "peak_rss_mb": fields.get("VmHWM")}


def machine():
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def versions(env):
    code = (
        "import django, gunicorn, json; from pathlib import Path; "
        "from django.db import connection; "
        "c = connection.cursor(); pg = connection.vendor == 'postgresql'; "
        "c.execute('select version(), pg_backend_pid()' if pg "
        "else \"select 'SQLite ' || sqlite_version(), 0\"); "
        "version, pid = c.fetchone(); stat = Path(f'/proc/{pid}/stat'); "
        # The backend's parent, if it runs on this machine: the postmaster.
        "parent = int(stat.read_text().rsplit(')', 1)[1].split()[1]) if pid and stat.exists() "
        "else 0; "
        "print(json.dumps([django.get_version(), gunicorn.__version__, "
        "version.split(' on ')[0], parent]))"
    )
    out, _ = run(env, sys.executable, "-c", f"import django; django.setup(); {code}", capture=True)
    django_version, gunicorn_version, database, postmaster = json.loads(out)
    return {
        "django": django_version,
        "gunicorn": gunicorn_version,
        "database_version": database,
        "postmaster_pid": postmaster,
    }


def evaluate(pages, workers):
    # The ceiling is the better of the two bare-view runs (first and last page): other
    # work on a shared machine can only slow a run down.
    bare = max((p for p in pages if p["name"] in ("bare", "bare_end")), key=lambda p: p["rps"])
    for page in pages:
        page["share_of_bare"] = round(page["rps"] / bare["rps"], 3) if bare["rps"] else None
        # The same ratio from CPU time per request: what the share would be on a machine
        # with nothing else running (the server is CPU-bound on both pages).
        cpu = (page.get("server_cpu_ms") or 0) + (page.get("database_cpu_ms") or 0)
        page["cpu_share_of_bare"] = round(bare["server_cpu_ms"] / cpu, 3) if cpu else None
        checks = {"errors": page["errors"] == 0, "p99": (page["p99_ms"] or 1e9) < P99_MS}
        share = TARGET_SHARE.get(page["group"])
        if share is not None:
            checks["share_of_bare"] = (page["share_of_bare"] or 0) >= share
        page["target_share"] = share
        page["checks"] = checks
    return {
        "ceiling_rps": bare["rps"],
        "worker_rss_under_150mb": all((w["rss_mb"] or 0) < RSS_MB for w in workers),
    }


def table(result):
    run_info = result["run"]
    lines = [
        f"Hearth benchmark: {run_info['database_version']} at {run_info['scale']:g}x, "
        f"{run_info['connections']} connections, {run_info['duration']:g} s a page "
        f"(+{run_info['warmup']:g} s warm-up), {run_info['workers']} gunicorn sync workers",
        f"machine: {run_info['machine']['cpu']}, {run_info['machine']['cores']} cores; "
        f"data: {run_info['data_note']}",
        "",
        f"{'page':<30} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'SQL':>4} {'of bare':>7} "
        f"{'target':>6} {'CPU ms':>7} {'DB ms':>6} {'by CPU':>7} {'other':>5} {'err':>4}  misses",
    ]
    for page in result["pages"]:
        misses = [name for name, ok in page["checks"].items() if not ok]
        target = f"{page['target_share']:.0%}" if page["target_share"] else ""
        queries = f"{page['queries']}" + ("" if page["queries"] == page["queries_cold"] else "*")
        lines.append(
            f"{page['label']:<30} {page['rps']:>7.1f} {page['p50_ms'] or 0:>7.1f} "
            f"{page['p99_ms'] or 0:>7.1f} {queries:>4} {page['share_of_bare']:>7.1%} "
            f"{target:>6} {page['server_cpu_ms'] or 0:>7.2f} {page['database_cpu_ms'] or 0:>6.2f} "
            f"{page['cpu_share_of_bare'] or 0:>7.1%} {page['other_cores'] or 0:>5.2f} "
            f"{page['errors']:>4}  {', '.join(misses)}"
        )
    lines += [
        "",
        "SQL: queries per request (* the first fetch made a different number: queries_cold)",
        "CPU ms: gunicorn workers' CPU time per request; by CPU: the bare view's CPU ms over",
        "  the page's (app + database), about the share of bare on an otherwise idle machine",
        "DB ms: PostgreSQL's CPU time per request (its server processes on this machine)",
        "other: cores busy with other processes while the page was measured (noise)",
    ]
    for worker in result["workers"]:
        lines.append(
            f"gunicorn worker {worker['pid']}: RSS {worker['rss_mb']} MB "
            f"(peak {worker['peak_rss_mb']} MB)"
        )
    cpu = max(p["driver_cpu_pct"] for p in result["pages"])
    lines.append(f"load driver: at most {cpu}% of one core while measuring")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Hearth's load benchmark")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="", help="use this database instead")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured a page")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--regenerate", action="store_true", help="never reuse the data set")
    parser.add_argument("--only", nargs="*", help="names of pages to run (bare always runs)")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    pg_dir = None
    database_url = args.database_url
    if not database_url:
        if args.db == "postgres":
            log("==> starting a throwaway PostgreSQL cluster")
            pg_dir, database_url = start_postgres()
        else:
            database_url = f"sqlite:///{OUT / f'hearth-{args.scale:g}x.sqlite3'}"
    port = args.port or free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": f"http://{HOST}:{port}",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    server = None
    try:
        manage = [sys.executable, "manage.py"]
        log("==> migrate, createcachetable, collectstatic (production settings)")
        run(env, *manage, "migrate", "--noinput", "-v0")
        run(env, *manage, "createcachetable")
        run(env, *manage, "collectstatic", "--noinput", "-v0")
        log(f"==> bench_data --scale {args.scale:g}")
        mode = "--replace" if args.regenerate else "--reuse"
        out, seconds = run(
            env, *manage, "bench_data", "--scale", f"{args.scale:g}", mode, capture=True
        )
        print(out, end="", file=sys.stderr)
        reused = out.startswith("Reusing")
        data_note = "reused from an earlier run" if reused else f"generated in {seconds:.0f} s"
        log("==> prepare: sessions and SQL queries per page (in-process)")
        plan_path = OUT / "plan.json"
        run(env, sys.executable, "bench/prepare.py", plan_path)
        plan = json.loads(plan_path.read_text())
        info = versions(env)

        log(f"==> gunicorn, {args.workers} workers on {HOST}:{port}")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603
            [
                str(gunicorn),
                "core.wsgi:application",
                "--workers",
                str(args.workers),
                "--bind",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],
            cwd=ROOT,
            env=env,
        )
        wait_until_up(port, server)
        deadline = time.monotonic() + 30
        while len(children(server.pid)) < args.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        log(f"==> load: {args.connections} connections, {args.warmup:g}+{args.duration:g} s a page")
        results_path = OUT / "driver.json"
        worker_pids = children(server.pid)
        only = ["bare", *(args.only or [])] if args.only else []
        run(
            env,
            sys.executable,
            "bench/driver.py",
            plan_path,
            results_path,
            "--port",
            port,
            "--connections",
            args.connections,
            "--warmup",
            args.warmup,
            "--duration",
            args.duration,
            *(["--only", *only] if only else []),
            "--server-pids",
            *worker_pids,
            "--database-pid",
            info["postmaster_pid"],
        )
        workers = [memory(pid) for pid in children(server.pid)]
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if pg_dir:
            stop_postgres(pg_dir)

    measured = {r["name"]: r for r in json.loads(results_path.read_text())}
    pages = []
    sql = {}
    for spec in plan["pages"]:
        if spec["name"] not in measured:
            continue
        sql[spec["name"]] = spec["sql"]
        keep = ("name", "label", "group", "queries", "queries_cold", "queries_steady")
        pages.append({**{k: spec[k] for k in keep}, **measured[spec["name"]]})
    overall = evaluate(pages, workers)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "run": {
            "at": stamp,
            "database": plan["database"],
            "scale": args.scale,
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "workers": args.workers,
            "data": plan["data"],
            "data_note": data_note,
            "generation_seconds": None if reused else round(seconds, 1),
            "machine": machine(),
            **info,
        },
        "pages": pages,
        "workers": workers,
        "checks": overall,
        "sql": sql,
    }
    name = f"{plan['database']}-{args.scale:g}x"
    path = OUT / f"{name}-{stamp}.json"
    path.write_text(json.dumps(result, indent=1))
    (OUT / f"latest-{name}.json").write_text(json.dumps(result, indent=1))
    print(table(result))
    print(f"\nJSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
