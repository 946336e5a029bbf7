"""Hearth served by gunicorn processes of its own, on the test database, and a small HTTP
client that logs in with a session cookie and passes the CSRF check."""

import http.client
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection
from django.utils.crypto import get_random_string

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Django accepts the unmasked secret in the header when it matches the cookie.
CSRF_SECRET = get_random_string(32)
LOGGED_IN = 'action="/accounts/logout/"'
# The cache the servers use: the database table, not the tests' local memory.
SERVER_CACHES = import_module(settings.SETTINGS_MODULE).CACHES


def database_url():
    """The test database as a DATABASE_URL, for processes other than this one."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    assert db["ENGINE"] == "django.db.backends.postgresql", db["ENGINE"]
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    # HOST may be a socket directory: dj-database-url takes it percent-encoded.
    address = quote(db["HOST"], safe="") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{credentials}@{address}/{quote(db['NAME'], safe='')}"


def server_environment():
    """What the servers run with: this process's settings module, secret key (so that the
    sessions made here validate there) and test database, and no background emails.

    Development settings (DEBUG=1): what production adds (HTTPS redirect, secure cookies,
    static files from a collectstatic manifest) is not shared state, and collectstatic
    would write into the working tree. Sessions, the cache and the database are the same.
    """
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE,
        DEBUG="1",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url(),
        LOG_LEVEL="WARNING",
        TASKS_BACKEND="django.tasks.backends.dummy.DummyBackend",
    )
    return env


@dataclass
class Answer:
    status: int
    location: str
    cookies: dict
    text: str


class AppServer:
    """One gunicorn with its own sync workers, listening on a free port of 127.0.0.1.

    The socket is bound here and handed over, so no other process can take the port
    between choosing it and gunicorn starting.
    """

    def __init__(self, env, log_path, workers=2):
        self.log_path = log_path
        with socket.socket() as listener, open(log_path, "wb") as log:
            listener.bind((HOST, 0))
            self.port = listener.getsockname()[1]
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "core.wsgi:application",
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "5",
                    "--log-level",
                    "warning",
                    "--chdir",
                    str(ROOT),
                ],
                pass_fds=[listener.fileno()],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_up(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()}")
            try:
                if self.get("/get-help/", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{self.log()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def get(self, path, *, session=None, timeout=30):
        return self.request("GET", path, session=session, timeout=timeout)

    def post(self, path, data=None, *, session=None, htmx=False, timeout=30):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": CSRF_SECRET,
        }
        if htmx:
            headers["HX-Request"] = "true"
        body = urlencode(data or {}).encode()
        return self.request("POST", path, body, headers, session=session, timeout=timeout)

    def request(self, method, path, body=None, headers=None, *, session=None, timeout=30):
        cookies = {settings.CSRF_COOKIE_NAME: CSRF_SECRET}
        if session:
            cookies[settings.SESSION_COOKIE_NAME] = session
        headers = {
            **(headers or {}),
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        }
        client = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            client.request(method, path, body, headers)
            response = client.getresponse()
            received = SimpleCookie()
            for header in response.msg.get_all("Set-Cookie") or []:
                received.load(header)
            return Answer(
                status=response.status,
                location=response.getheader("Location", ""),
                cookies={name: morsel.value for name, morsel in received.items()},
                text=response.read().decode(),
            )
        finally:
            client.close()
