"""Compare benchmark runs across data scales and print Markdown tables for the README.

    python bench/compare.py var/bench/latest-*.json

For each database with runs at two scales, checks issue 6's scale targets: the same
number of SQL queries per request at both, and p50 at the larger scale at most 1.5 times
the p50 at the smaller (and the same on CPU time per request, which other load on the
machine does not skew).
"""

import json
import sys
from itertools import pairwise
from pathlib import Path

P50_GROWTH = 1.5


def load(paths):
    runs = [json.loads(Path(path).read_text()) for path in paths]
    return sorted(runs, key=lambda r: (r["run"]["database"], r["run"]["scale"]))


def name(info):
    version = info["database_version"]
    return version if version.startswith(("PostgreSQL", "SQLite")) else f"SQLite {version}"


def total_cpu(page):
    return (page.get("server_cpu_ms") or 0) + (page.get("database_cpu_ms") or 0)


def markdown(run):
    info = run["run"]
    lines = [
        f"**{name(info)}, {info['scale']:g}x data** "
        f"({info['connections']} connections, {info['duration']:g} s a page, "
        f"{info['workers']} gunicorn sync workers)",
        "",
        "| page | req/s | p50 ms | p99 ms | SQL queries | share of bare | app CPU ms/req "
        "| DB CPU ms/req | share of bare by CPU | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in run["pages"]:
        lines.append(
            f"| {page['label']} | {page['rps']:.0f} | {page['p50_ms']:.1f} | "
            f"{page['p99_ms']:.1f} | {page['queries']} | {page['share_of_bare']:.1%} | "
            f"{page['server_cpu_ms']:.2f} | {page.get('database_cpu_ms') or 0:.2f} | "
            f"{page['cpu_share_of_bare']:.1%} | {page['errors']} |"
        )
    rss = ", ".join(f"{w['rss_mb']:.0f} MB" for w in run["workers"])
    lines += ["", f"Worker RSS after the run: {rss}."]
    return "\n".join(lines)


def scale_checks(small, large):
    info_s, info_l = small["run"], large["run"]
    lines = [
        f"**{name(info_s)}: {info_s['scale']:g}x against {info_l['scale']:g}x**",
        "",
        "| page | SQL queries | p50 ms | p50 growth | app + DB CPU ms/req | CPU growth | misses |",
        "|---|---|---|---:|---|---:|---|",
    ]
    by_name = {page["name"]: page for page in large["pages"]}
    for a in small["pages"]:
        b = by_name.get(a["name"])
        if b is None:
            continue
        p50 = b["p50_ms"] / a["p50_ms"] if a["p50_ms"] else None
        cpu = total_cpu(b) / total_cpu(a) if total_cpu(a) else None
        misses = []
        if a["queries"] != b["queries"]:
            misses.append("queries differ")
        if p50 and p50 > P50_GROWTH:
            misses.append(f"p50 grew {p50:.2f}x")
        if cpu and cpu > P50_GROWTH:
            misses.append(f"CPU grew {cpu:.2f}x")
        lines.append(
            f"| {a['label']} | {a['queries']} / {b['queries']} | "
            f"{a['p50_ms']:.1f} / {b['p50_ms']:.1f} | {p50 or 0:.2f} | "
            f"{total_cpu(a):.2f} / {total_cpu(b):.2f} | {cpu or 0:.2f} | "
            f"{', '.join(misses)} |"
        )
    return "\n".join(lines)


def main(paths):
    runs = load(paths)
    for run in runs:
        print(markdown(run), end="\n\n")
    by_database = {}
    for run in runs:
        by_database.setdefault(run["run"]["database"], []).append(run)
    for same in by_database.values():
        for small, large in pairwise(same):
            print(scale_checks(small, large), end="\n\n")


if __name__ == "__main__":
    main(sys.argv[1:])
