from django import template
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.timezone import localtime

register = template.Library()


@register.simple_tag
def when(shift):
    """A shift's weekday, date and hours (joined by an en dash) in the visitor's language
    and Kansas City's time, with the machine-readable start. A tag, not an include:
    lists show it on every card."""
    start, end = localtime(shift.start), localtime(shift.end)
    return format_html(
        '<time datetime="{}">{}, {}, {}\N{EN DASH}{}</time>',
        start.isoformat(),
        date_format(start, "l"),
        date_format(start),
        time_format(start),
        time_format(end),
    )
