"""Hearth's URLs plus two ceilings on this machine: /bench/bare/, a view that renders a
tiny template through the same middleware and template engine, and /bench/shell/, the page
shell every logged-in page is drawn in, with nothing in it."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_safe

from core import urls as core_urls


@require_safe
def bare(request):
    return TemplateResponse(request, "bench/bare.html", {"name": "Hearth"})


@login_required
@require_safe
def shell(request):
    """What any logged-in page costs before its own content: the session, the user, the
    header's "Manage" check and CSRF token, base.html."""
    return TemplateResponse(request, "base.html")


# Spread rather than include(): LocaleMiddleware only finds i18n_patterns at the top level.
urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/shell/", shell, name="bench_shell"),
    *core_urls.urlpatterns,
]
handler500 = core_urls.handler500
