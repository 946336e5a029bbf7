"""Hearth's URLs plus /bench/bare/: a view that renders a tiny template through the same
middleware and template engine, the framework's ceiling on this machine."""

from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_safe

from core import urls as core_urls


@require_safe
def bare(request):
    return TemplateResponse(request, "bench/bare.html", {"name": "Hearth"})


# Spread rather than include(): LocaleMiddleware only finds i18n_patterns at the top level.
urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *core_urls.urlpatterns]
handler500 = core_urls.handler500
