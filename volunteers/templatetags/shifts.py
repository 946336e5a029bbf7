from django import template
from django.utils.formats import date_format, time_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext

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


@register.simple_tag
def contact(signup):
    """How a coordinator reaches the person holding a place: email, phone, and whether
    they are a guest. A tag, not an include: a roster shows it on every row."""
    parts = []
    if signup.email:
        parts.append(format_html('<a href="mailto:{0}">{0}</a>', signup.email))
    if signup.volunteer_id and signup.volunteer.phone:
        parts.append(format_html('<a href="tel:{0}">{0}</a>', signup.volunteer.phone))
    if signup.is_guest:
        parts.append(gettext("guest"))
    return format_html(
        '<span class="small">{}</span>', format_html_join(" · ", "{}", ((p,) for p in parts))
    )
