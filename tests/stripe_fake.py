"""A local stand-in for Stripe's API, so the real `stripe` library makes real HTTP requests.

The server listens on 127.0.0.1, records every request (path, headers, decoded
form body) and answers with objects shaped like Stripe's. Tests point the
StripeClient at it through settings.STRIPE_API_BASE and assert on what Hearth sent.
"""

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict
    params: dict = field(default_factory=dict)


class FakeStripe:
    def __init__(self):
        self.requests: list[RecordedRequest] = []
        self.accounts: dict[str, dict] = {}
        # Subscriptions cancelled at Stripe (by Hearth, or in the organization's Dashboard).
        self.canceled_subscriptions: set[str] = set()
        self.checkout_sessions: dict[str, dict] = {}
        self.failures: list[tuple[int, dict]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def fail_next(
        self, status=402, message="Your card was declined.", kind="card_error", code=None
    ):
        """Make the next request fail the way Stripe fails."""
        error = {"type": kind, "message": message, **({"code": code} if code else {})}
        self.failures.append((status, {"error": error}))

    def last(self, path):
        """The most recent request to a path."""
        matches = [r for r in self.requests if r.path == path]
        assert matches, f"no request to {path}; got {[r.path for r in self.requests]}"
        return matches[-1]

    def pay_checkout(self, session_id, subscription=None):
        """The donor pays on Stripe's page: the session is complete (a monthly one has
        started `subscription`)."""
        self.checkout_sessions[session_id].update(
            status="complete", payment_status="paid", subscription=subscription
        )

    def _next_id(self, prefix):
        return f"{prefix}_test_{next(self._ids):06d}"

    def _answer(self, method, path, params):
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = self._next_id("cs")
            self.checkout_sessions[session_id] = {
                "id": session_id,
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/{session_id}",
                "status": "open",
                "payment_status": "unpaid",
                "mode": params.get("mode"),
                "subscription": None,
                "livemode": False,
                "metadata": _nested(params, "metadata"),
            }
            return 200, self.checkout_sessions[session_id]
        if path.startswith("/v1/checkout/sessions/"):
            session_id, _slash, action = path.removeprefix("/v1/checkout/sessions/").partition("/")
            session = self.checkout_sessions.get(session_id)
            if session is None:
                return 404, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such checkout.session: '{session_id}'",
                    }
                }
            if method == "POST" and action == "expire":
                if session["status"] != "open":
                    return 400, {
                        "error": {
                            "type": "invalid_request_error",
                            "message": 'Only Checkout Sessions with a status in ["open"] '
                            "can be expired.",
                        }
                    }
                session["status"] = "expired"
            return 200, session
        if method == "POST" and path == "/v1/accounts":
            account = {
                "id": self._next_id("acct"),
                "object": "account",
                "type": params.get("type", "standard"),
                "charges_enabled": False,
                "details_submitted": False,
                "livemode": False,
            }
            self.accounts[account["id"]] = account
            return 200, account
        if method == "GET" and path.startswith("/v1/accounts/"):
            account = self.accounts.get(path.rsplit("/", 1)[1])
            if account:
                return 200, account
        if method == "POST" and path == "/v1/account_links":
            return 200, {
                "object": "account_link",
                "url": f"https://connect.stripe.com/setup/s/{self._next_id('link')}",
                "expires_at": 2_000_000_000,
            }
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return 200, {
                "id": self._next_id("bps"),
                "object": "billing_portal.session",
                "url": f"https://billing.stripe.com/p/session/{self._next_id('bps')}",
            }
        if path.startswith("/v1/subscriptions/"):
            subscription = path.rsplit("/", 1)[1]
            canceled = subscription in self.canceled_subscriptions
            if method == "DELETE" and canceled:
                # What Stripe answers to cancelling a cancelled subscription.
                return 404, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such subscription: '{subscription}'",
                    }
                }
            if method == "DELETE":
                self.canceled_subscriptions.add(subscription)
            status = "canceled" if method == "DELETE" or canceled else "active"
            return 200, {"id": subscription, "object": "subscription", "status": status}
        return 404, {
            "error": {"type": "invalid_request_error", "message": f"No such route: {path}"}
        }

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                url = urlsplit(self.path)
                params = dict(parse_qsl(body or url.query, keep_blank_values=True))
                with fake._lock:
                    fake.requests.append(
                        RecordedRequest(self.command, url.path, dict(self.headers), params)
                    )
                    if fake.failures:
                        status, payload = fake.failures.pop(0)
                    else:
                        status, payload = fake._answer(self.command, url.path, params)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_fake")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

            def log_message(self, *args):
                pass

        return Handler


def _nested(params, prefix):
    """{"metadata[a]": "1"} -> {"a": "1"} for a form-encoded prefix."""
    start = f"{prefix}["
    return {k[len(start) : -1]: v for k, v in params.items() if k.startswith(start)}
