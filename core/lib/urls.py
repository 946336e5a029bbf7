"""URLs of rows, written at the cost of joining three strings.

A list writes a link or a form's address for each of its rows, and Django's reverse()
costs more than the rest of a row's line: My shifts called it 39 times a page. Every
such URL takes one primary key, so reverse_pk() reverses each route once per language
and script prefix, with a mark where the key goes, and afterwards puts the key there.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Digits, so that an <int:pk> route takes it, and long enough to be nowhere else in a URL.
_MARK = 7_301_946_528_193_064


def reverse_pk(name, pk):
    """reverse(name, args=[pk]) for a route whose one argument is an <int:pk>."""
    before, after = _around_pk(name, get_language(), get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"


@functools.lru_cache(maxsize=256)
def _around_pk(name, language, prefix, urlconf):
    """What comes before and after the key in `name`'s URL, for the language, script
    prefix and URLconf that are active, which the cache's key names."""
    before, _mark, after = reverse(name, args=[_MARK], urlconf=urlconf).partition(str(_MARK))
    return before, after
