"""Labels of choices for pages that show one on every line."""

import functools

from django.utils.translation import get_language, gettext_noop

# Django names the empty option of a choice field "- Select an option -", and its own
# Spanish catalogue has no translation for it; marked here, Hearth's catalogue carries it.
gettext_noop("- Select an option -")


def choice_label(choices, value):
    """What Model.get_FOO_display() gives for `value` of a TextChoices field, without the
    dictionary of every choice that Django builds on each call (about five times the
    cost, on every card of a list)."""
    return _label(choices, value, get_language())


@functools.lru_cache(maxsize=512)
def _label(choices, value, language):
    """choice_label() in one language, kept: a list shows a handful of labels on all of
    its lines."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
