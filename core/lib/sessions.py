from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from core.lib.prepared import Parameter, PreparedQuery

LIVE_SESSION = PreparedQuery(
    lambda: Session.objects.filter(
        session_key=Parameter("key", CharField()),
        expire_date__gt=Parameter("now", DateTimeField()),
    )
)


class SessionStore(db.SessionStore):
    """Django's sessions in the database, shared by every app server, whose lookup on
    every logged-in request is a prepared query (core.lib.prepared)."""

    def _get_session_from_db(self):
        for session in LIVE_SESSION.objects(0, 1, key=self.session_key, now=timezone.now()):
            return session
        self._session_key = None
        return None


def session_for(user):
    """A logged-in session for `user`, stored as a login would store it, without the
    rate-limited login form: for what drives the site from outside, such as the load
    benchmark and the tests of several app servers. Returns the session cookie's value."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
