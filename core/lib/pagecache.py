"""A shared cache of what public pages show, so that a busy list costs a cache read.

Two uses, one rule:
- `public_page` caches a whole page for anonymous visitors (home, lists, organization
  pages): one cache read answers the request.
- `{% publiccache %}` (core/templatetags/publiccache.py) caches a fragment that is the same
  for every visitor, logged in or not: a list's results or its filter form.

Keys hold the language, and for pages the address and whether htmx asked, so nothing is
ever shared across languages. Nothing personal is stored: a page is cached only for a
visitor with no account and no pending message, and its CSRF token is a placeholder that
each response replaces with the visitor's own.

Every entry remembers the *generation* it was made in. Saving or deleting a model that
public pages show (each app lists its own with `invalidate_on_change`) retires the
generation once its transaction commits, and with it every entry at once; the next page
rendered starts a new one. The timeout (`PUBLIC_PAGE_CACHE_SECONDS`) bounds what time
alone changes, such as a shift starting. The cache is Django's default one, in the
database, so every app server shares it.
"""

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import translation

GENERATION_KEY = "public:generation"
# Stands in for the CSRF token in a cached page; never a valid token.
CSRF_PLACEHOLDER = "hearth-csrf-placeholder"


def _new_generation():
    """Retire the current generation. The next reader to miss starts the new one; a
    delete is one statement, where a database cache's set() is four."""
    cache.delete(GENERATION_KEY)


def _changes_pending():
    """Whether the current transaction changed what public pages show: until it commits,
    the cache is neither read (it predates the change) nor written (the new generation
    does not exist yet)."""
    pending = getattr(connection, "run_on_commit", [])
    return any(callback is _new_generation for _sids, callback, _robust in pending)


def _generation_changed():
    """Retire the generation once the current transaction commits (at once outside
    one), once per transaction however many rows it writes."""
    if not _changes_pending():
        transaction.on_commit(_new_generation)


def _on_change(sender, **kwargs):
    _generation_changed()


def invalidate_on_change(*models):
    """Retire every cached public page and fragment whenever one of these is saved or
    deleted. (QuerySet.update() sends no signal: the timeout bounds those.)"""
    for model in models:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"public-cache:{model}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"public-cache:{model}")


def cached(name, parts, render):
    """The value cached under `name` and `parts` in the current language and generation,
    or `render()`'s result, stored for next time. One cache read when it is there."""
    if not settings.PUBLIC_PAGE_CACHE_SECONDS or _changes_pending():
        return render()
    digest = hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()
    key = f"public:{name}:{translation.get_language()}:{digest}"
    found = cache.get_many([GENERATION_KEY, key])
    generation, entry = found.get(GENERATION_KEY), found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    if generation is None:
        # Started before rendering, so that a change committed meanwhile retires it.
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    value = render()
    cache.set(key, (generation, value), settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


def _anonymous_without_messages(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        # Counting loads the messages without marking them read.
        and not len(messages.get_messages(request))
    )


class Uncacheable(Exception):
    """The view answered with something other than a page to keep (a redirect, a 404)."""

    def __init__(self, response):
        self.response = response


def public_page(view):
    """Serve an anonymous visitor a page from the shared cache (see the module's doc).

    The view must answer the same for every anonymous visitor given the address, the
    language and the HX-Request header; only a 200 TemplateResponse is kept."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _anonymous_without_messages(request):
            return view(request, *args, **kwargs)

        def render():
            response = view(request, *args, **kwargs)
            if not isinstance(response, TemplateResponse) or response.status_code != 200:
                raise Uncacheable(response)
            context = response.context_data or {}
            response.context_data = {**context, "csrf_token": CSRF_PLACEHOLDER}
            response.render()
            return response.content, response["Content-Type"]

        parts = [request.build_absolute_uri(), request.headers.get("HX-Request") == "true"]
        try:
            content, content_type = cached("page", parts, render)
        except Uncacheable as uncacheable:
            return uncacheable.response
        token = get_token(request).encode()
        return HttpResponse(content.replace(CSRF_PLACEHOLDER.encode(), token), content_type)

    return wrapper
