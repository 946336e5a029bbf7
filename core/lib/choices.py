"""Labels of choices for pages that show one on every line."""

from django.utils.translation import gettext_noop

# Django names the empty option of a choice field "- Select an option -", and its own
# Spanish catalogue has no translation for it; marked here, Hearth's catalogue carries it.
gettext_noop("- Select an option -")


def choice_label(choices, value):
    """What Model.get_FOO_display() gives for `value` of a TextChoices field, without the
    dictionary of every choice that Django builds on each call (about five times the
    cost, on every card of a list)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
