"""Labels of choices for pages that show one on every line."""


def choice_label(choices, value):
    """What Model.get_FOO_display() gives for `value` of a TextChoices field, without the
    dictionary of every choice that Django builds on each call (about five times the
    cost, on every card of a list)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
