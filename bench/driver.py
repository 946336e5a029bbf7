"""The load driver: a small asyncio HTTP/1.1 client, in a process of its own.

    python bench/driver.py PLAN.json RESULTS.json --port 8765 --connections 32 \
        --warmup 2 --duration 10

For each page of the plan, in order, it keeps CONNECTIONS requests in flight for WARMUP
seconds (not counted), then for DURATION seconds, and stops by itself. A request's
latency runs from opening the connection (gunicorn's sync workers close it after each
response; a keep-alive connection is reused when the server offers one) to the last byte
of the body. A response counts as an error unless it is a 200 whose body holds the
page's marker (the logged-in pages: the log-out form; the sign-up POST: the success
message), so a lost session or a refused sign-up cannot pass for a fast page.

It talks to 127.0.0.1 only. One event loop in one thread keeps its own CPU use low on a
2-core machine: uvloop's (libuv), which takes about half the CPU of asyncio's own for each
request. The share of a core it used while measuring is reported per page.
"""

import argparse
import asyncio
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import uvloop

HOST = "127.0.0.1"
TIMEOUT = 10.0


class HTTPError(Exception):
    pass


class Response(asyncio.Protocol):
    """One connection at the transport level (cheaper than streams): sends requests and
    resolves a future with each complete response."""

    def __init__(self):
        self.transport = None
        self.future = None
        self.buffer = bytearray()
        self.head = None  # (status, headers, body offset, body length or None, keep-alive)

    def connection_made(self, transport):
        self.transport = transport

    def send(self, raw):
        self.future = asyncio.get_running_loop().create_future()
        self.buffer.clear()
        self.head = None
        self.transport.write(raw)
        return self.future

    def data_received(self, data):
        self.buffer += data
        if self.head is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            try:
                self.head = parse_head(bytes(self.buffer[:end]), end + 4)
            except (HTTPError, ValueError) as exc:
                self.transport.close()
                if self.future is not None and not self.future.done():
                    self.future.set_exception(exc)
                return
        status, headers, offset, length, keep = self.head
        if length is not None and len(self.buffer) - offset >= length:
            self.finish((status, headers, bytes(self.buffer[offset : offset + length])), keep)
        elif length is None and self.buffer.endswith(b"\r\n0\r\n\r\n"):
            self.finish((status, headers, unchunk(bytes(self.buffer[offset:]))), keep)

    def finish(self, response, keep):
        if not keep:
            self.transport.close()
            self.transport = None
        if self.future is not None and not self.future.done():
            self.future.set_result(response)

    def connection_lost(self, exc):
        self.transport = None
        if self.future is None or self.future.done():
            return
        if self.head is not None and self.head[3] is None and not self.head[4]:
            status, headers, offset, _length, _keep = self.head
            self.future.set_result((status, headers, bytes(self.buffer[offset:])))
        else:
            self.future.set_exception(exc or HTTPError("connection closed mid-response"))


def parse_head(head, offset):
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise HTTPError(f"bad status line {lines[0]!r}")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip().lower().decode(), value.strip().decode("latin-1")))
    found = dict(headers)
    keep = found.get("connection", "").lower() != "close"
    if "content-length" in found:
        length = int(found["content-length"])
    elif found.get("transfer-encoding", "").lower() == "chunked":
        length = None
    else:  # the body runs until the server closes the connection
        length, keep = None, False
    return int(parts[1]), headers, offset, length, keep


def unchunk(data):
    body = bytearray()
    while True:
        line_end = data.index(b"\r\n")
        size = int(data[:line_end].split(b";")[0], 16)
        if size == 0:
            return bytes(body)
        body += data[line_end + 2 : line_end + 2 + size]
        data = data[line_end + 4 + size :]


class Connection:
    """A client connection, reopened whenever the server closes it."""

    def __init__(self, port):
        self.port = port
        self.protocol = None

    async def request(self, raw):
        if self.protocol is None or self.protocol.transport is None:
            loop = asyncio.get_running_loop()
            _transport, self.protocol = await loop.create_connection(Response, HOST, self.port)
        try:
            return await self.protocol.send(raw)
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()
        self.protocol = None


def build(method, path, port, cookies=None, headers=None, body=b""):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "User-Agent: hearth-bench"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if method == "POST":
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def set_cookies(headers):
    cookies = {}
    for name, value in headers:
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]
    return cookies


async def fetch(port, method, path, cookies=None, headers=None, body=b""):
    connection = Connection(port)
    try:
        return await connection.request(build(method, path, port, cookies, headers, body))
    finally:
        connection.close()


async def csrf(port, path, cookies=None):
    """A CSRF cookie and a token from a page's body, as a browser would get them."""
    status, headers, body = await fetch(port, "GET", path, cookies)
    cookie = set_cookies(headers).get("csrftoken") or (cookies or {}).get("csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body) or re.search(
        rb'"X-CSRFToken": "([^"]+)"', body
    )
    if status != 200 or not cookie or not match:
        raise SystemExit(f"no CSRF token from {path} (status {status})")
    return cookie, match.group(1).decode()


async def login(port, email, password):
    """A real log-in POST to allauth's form; the cookies a browser keeps from it: the
    session, and the CSRF cookie that logging in renews (without it, each page would make
    a new CSRF secret and cookie, which a browser's later pages do not)."""
    cookie, token = await csrf(port, "/accounts/login/")
    body = urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token})
    status, headers, _ = await fetch(
        port, "POST", "/accounts/login/", {"csrftoken": cookie}, body=body.encode()
    )
    cookies = set_cookies(headers)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"log-in as {email} failed: status {status}")
    return {"csrftoken": cookies.get("csrftoken", cookie), "sessionid": cookies["sessionid"]}


async def settle(port, limit=120.0):
    """Wait until the server answers the bare view quickly again: requests the driver gave
    up on (timeouts) may still queue in gunicorn's backlog, and must not slow the next
    page. Returns the seconds waited."""
    started = time.perf_counter()
    quick = 0
    raw = build("GET", "/bench/bare/", port)
    while quick < 3 and time.perf_counter() - started < limit:
        began = time.perf_counter()
        connection = Connection(port)
        try:
            await asyncio.wait_for(connection.request(raw), TIMEOUT)
        except (TimeoutError, OSError, HTTPError, ValueError):
            quick = 0
        else:
            quick = quick + 1 if time.perf_counter() - began < 0.05 else 0
        finally:
            connection.close()
    return round(time.perf_counter() - started, 1)


class Page:
    """Builds each request of a page; the sign-up POST never repeats a (person, shift)."""

    def __init__(self, spec, port, connections, cookies=None, csrf_pair=None):
        self.spec = spec
        self.connections = connections
        self.raw = build(spec.get("method", "GET"), spec.get("path", "/"), port, cookies)
        self.port = port
        self.csrf = csrf_pair

    def request(self, connection_index, number):
        if self.spec["method"] == "GET":
            return self.raw
        sessions, shifts = self.spec["sessions"], self.spec["shifts"]
        # Connection c walks the shifts from its own offset with one volunteer, then moves
        # to its next volunteer: every (volunteer, shift) pair is new, and a volunteer's
        # shifts are on different days, so none is refused as a clash.
        person = connection_index + self.connections * (number // len(shifts))
        shift = shifts[(number + 7 * connection_index) % len(shifts)]
        cookie, token = self.csrf
        return build(
            "POST",
            f"/shifts/{shift}/sign-up/",
            self.port,
            {"sessionid": sessions[person % len(sessions)], "csrftoken": cookie},
            {"X-CSRFToken": token, "HX-Request": "true", "HX-Target": "signup"},
        )

    def capacity(self):
        """How many requests the POST can make before it would repeat a pair."""
        if self.spec["method"] == "GET":
            return None
        per_connection = len(self.spec["sessions"]) // self.connections
        return per_connection * self.connections * len(self.spec["shifts"])


def process_times(pid):
    """(own CPU seconds, CPU seconds of its exited and reaped children) of a process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0, 0
    tick = os.sysconf("SC_CLK_TCK")
    # Fields 14-17 of stat, counted from the state field: utime, stime, cutime, cstime.
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def cpu_seconds(pids):
    """User plus system CPU time the server's processes have used so far."""
    return sum(process_times(pid)[0] for pid in pids)


def tree_cpu_seconds(root):
    """CPU time of a process and all its children, alive or exited (a PostgreSQL
    postmaster and its backends: a backend's time moves to the postmaster when it exits)."""
    if not root:
        return 0.0
    own, reaped = process_times(root)
    total = own + reaped
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == root:
                total += process_times(int(entry.name))[0]
    return total


def machine_busy_seconds():
    """CPU time all processes on the machine have used so far (busy, not idle or iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


async def run_page(page, port, connections, warmup, duration, server_pids=(), database_pid=0):
    expect = page.spec.get("expect", "").encode()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    latencies = []
    statuses = Counter()
    errors = Counter()
    sizes = []
    cpu = {}

    async def loop(index):
        connection = Connection(port)
        number = 0
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                break
            raw = page.request(index, number)
            number += 1
            try:
                status, _headers, body = await asyncio.wait_for(connection.request(raw), TIMEOUT)
            except (TimeoutError, OSError, HTTPError, ValueError) as exc:
                status, body, failure = None, b"", type(exc).__name__
            else:
                failure = None
                if status != 200:
                    failure = f"status {status}"
                elif expect and expect not in body:
                    failure = "unexpected body"
            ended = time.perf_counter()
            if measure_from <= ended < stop_at:
                latencies.append(ended - began)
                statuses[status] += 1
                sizes.append(len(body))
                if failure:
                    errors[failure] += 1
        connection.close()

    async def clock():
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu["start"] = time.process_time()
        cpu["server_start"] = cpu_seconds(server_pids)
        cpu["machine_start"] = machine_busy_seconds()
        cpu["database_start"] = tree_cpu_seconds(database_pid)
        await asyncio.sleep(max(0.0, stop_at - time.perf_counter()))
        cpu["end"] = time.process_time()
        cpu["server_end"] = cpu_seconds(server_pids)
        cpu["machine_end"] = machine_busy_seconds()
        cpu["database_end"] = tree_cpu_seconds(database_pid)

    await asyncio.gather(clock(), *(loop(i) for i in range(connections)))
    latencies.sort()
    count = len(latencies)

    def percentile(q):
        if not latencies:
            return None
        return round(latencies[min(count - 1, max(0, int(q * count + 0.999999) - 1))] * 1000, 2)

    driver = cpu["end"] - cpu["start"]
    server = cpu["server_end"] - cpu["server_start"]
    machine = cpu["machine_end"] - cpu["machine_start"]
    database = cpu["database_end"] - cpu["database_start"]
    return {
        "name": page.spec["name"],
        "requests": count,
        "rps": round(count / duration, 1),
        "p50_ms": percentile(0.50),
        "p90_ms": percentile(0.90),
        "p99_ms": percentile(0.99),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "mean_ms": round(sum(latencies) / count * 1000, 2) if count else None,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "statuses": {str(k): v for k, v in statuses.items()},
        "mean_bytes": round(sum(sizes) / count) if count else 0,
        "driver_cpu_pct": round(driver / duration * 100, 1),
        # The server's CPU per request: unlike req/s, not skewed by other load on the machine.
        "server_cpu_ms": round(server / count * 1000, 2) if count and server_pids else None,
        # PostgreSQL's CPU per request, when the driver was told its postmaster's pid.
        "database_cpu_ms": round(database / count * 1000, 2) if count and database_pid else None,
        # Cores busy with anything but the server and this driver (other people's work on a
        # shared machine): a page measured while this is high reads slower than it is.
        "other_cores": round(max(0.0, machine - server - driver - database) / duration, 2)
        if server_pids
        else None,
    }


async def main(args):
    plan = json.loads(Path(args.plan).read_text())
    logged_in = {}
    results = []
    for spec in plan["pages"]:
        if args.only and spec["name"] not in args.only:
            continue
        cookies = csrf_pair = None
        if spec.get("login"):
            email = spec["login"]["email"]
            if email not in logged_in:
                logged_in[email] = await login(args.port, email, spec["login"]["password"])
            cookies = logged_in[email]
        if spec["method"] == "POST":
            first = {"sessionid": spec["sessions"][0]}
            csrf_pair = await csrf(args.port, spec["csrf_path"], first)
        page = Page(spec, args.port, args.connections, cookies, csrf_pair)
        capacity = page.capacity()
        result = await run_page(
            page,
            args.port,
            args.connections,
            args.warmup,
            args.duration,
            args.server_pids,
            args.database_pid,
        )
        if capacity is not None and result["requests"] * 1.5 > capacity:
            result["note"] = "the sign-up pool ran low: raise SIGNUP_POOL/SIGNUP_SHIFTS"
        result["settle_seconds"] = await settle(args.port)
        results.append(result)
        print(
            f"  {spec['label']:<32} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']} ms  "
            f"p99 {result['p99_ms']} ms  errors {result['errors']}  "
            f"server {result['server_cpu_ms']} ms CPU/req  "
            f"database {result['database_cpu_ms']} ms CPU/req  "
            f"other load {result['other_cores']} cores  "
            f"driver {result['driver_cpu_pct']}% CPU  settled in {result['settle_seconds']} s",
            file=sys.stderr,
            flush=True,
        )
    Path(args.results).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("plan")
    parser.add_argument("results")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--only", nargs="*", help="names of the pages to run")
    parser.add_argument("--server-pids", nargs="*", type=int, default=[], help="gunicorn workers")
    parser.add_argument("--database-pid", type=int, default=0, help="PostgreSQL's postmaster")
    uvloop.run(main(parser.parse_args()))
