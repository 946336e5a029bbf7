import functools
import html
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import get_language, gettext, ngettext

from core.lib.urls import reverse_pk

register = template.Library()


@register.simple_tag
def when(shift):
    """A shift's weekday, date and hours (joined by an en dash) in the visitor's language
    and Kansas City's time, with the machine-readable start. A tag, not an include:
    lists show it on every card."""
    return _when(shift.start, shift.end, get_language(), get_current_timezone())


@functools.lru_cache(maxsize=4096)
def _when(start, end, language, zone):
    """when() for one start and end in one language and time zone, kept: the same shift
    shows on every volunteer's list and formatting its dates costs more than the rest of
    its card."""
    start, end = localtime(start, zone), localtime(end, zone)
    return format_html(
        '<time datetime="{}">{}, {}, {}\N{EN DASH}{}</time>',
        start.isoformat(),
        date_format(start, "l"),
        date_format(start),
        time_format(start),
        time_format(end),
    )


@functools.lru_cache(maxsize=1024)
def _on(day, language):
    """The day a shift starts, in one language, with the machine-readable date: the short
    form of when() for lines of past shifts. Kept: a page of them spans a few weeks."""
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), date_format(day))


def _h(value):
    """A value as HTML: markup as it is, anything else escaped; conditional_escape()
    without the cost of its lazy-text checks, as the cards below write a hundred values
    a page. The tags build their markup with it in f-strings, not format_html()."""
    if isinstance(value, SafeData):
        return value
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _(message):
    """gettext() for the tags' fixed words, kept for each language: a list writes the
    same few on every line, and each gettext() costs more than the escaping of a short
    string."""
    return _gettext(message, get_language())


@functools.lru_cache(maxsize=256)
def _gettext(message, language):
    return gettext(message)


@register.simple_tag
def contact(signup):
    """How a coordinator reaches the person holding a place: email, phone, and whether
    they are a guest. A tag, not an include: a roster shows it on every row."""
    parts = []
    if email := signup.email:
        email = _h(email)
        parts.append(f'<a href="mailto:{email}">{email}</a>')
    if signup.volunteer_id and (phone := signup.volunteer.phone):
        phone = _h(phone)
        parts.append(f'<a href="tel:{phone}">{phone}</a>')
    if signup.is_guest:
        parts.append(_h(_("guest")))
    return mark_safe(f'<span class="small">{" · ".join(parts)}</span>')  # noqa: S308


@register.simple_tag
def give_up_button(signup):
    """The button with which volunteers give up their own place or waitlist spot, asking
    first: the next in line may take it at once. A tag, not an include: My shifts shows
    it on every card."""
    if signup.status == signup.Status.CONFIRMED:
        question, label = _("Cancel your place on %(title)s?"), _("Cancel my place")
    else:
        question, label = _("Leave the waitlist of %(title)s?"), _("Leave the waitlist")
    question = _h(question % {"title": signup.shift.title})
    return mark_safe(  # noqa: S308
        f'<button type="submit" class="button button--secondary" data-confirm="{question}">'
        f"{_h(label)}</button>"
    )


def _csrf_input(context):
    """What {% csrf_token %} writes, for the tags that draw a form: the page's token,
    masked once for all of them, and written once for each page."""
    render = context.render_context
    if "csrf_input" not in render:
        token = _h(context["csrf_token"])
        render["csrf_input"] = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    return render["csrf_input"]


@register.simple_tag(takes_context=True)
def coming_place(context, signup):
    """One upcoming place on My shifts: the shift, the place's status, its calendar file
    and the way to give it up, or whom to tell when it is too late to. A tag, not
    template markup: the page shows ten, and drawn by the template engine they cost
    more than the rest of the page."""
    shift = signup.shift
    parts = [
        f'<p class="small">{_h(shift.get_kind_display())} · {_h(shift.organization.name)}</p>'
        f'<h3 class="card__title"><a href="{_h(shift.get_absolute_url())}">{_h(shift.title)}'
        f"</a></h3><p>{when(shift)}<br>{_h(shift.place)}</p>"
    ]
    if shift.is_cancelled:
        cancelled = _h(_("Cancelled by the organization"))
        parts.append(f"<p><strong>{cancelled}</strong></p>")
        return mark_safe("".join(parts))  # noqa: S308
    add_to_calendar = _h(_("Add to my calendar (.ics file)"))
    parts.append(
        f"<p><strong>{_h(signup.get_status_display())}</strong></p>"
        f'<p><a href="{_h(reverse_pk("volunteers:shift_ics", shift.pk))}">'
        f"{add_to_calendar}</a></p>"
    )
    if signup.can_cancel():
        parts.append(
            f'<form method="post" action="{_h(reverse_pk("volunteers:shift_leave", shift.pk))}">'
            f'{_csrf_input(context)}<input type="hidden" name="next" value="mine">'
            f"{give_up_button(signup)}</form>"
        )
    else:
        parts.append(render_to_string("volunteers/includes/too_late.html", {"shift": shift}))
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag(takes_context=True)
def roster_entry(context, signup):
    """A confirmed person's row on a shift's roster: who they are and how to reach them,
    what they bring, and the form to record their attendance and hours or take them off.
    The row htmx swaps in after a save (`row_alone`) brings the messages out of band and
    says what it saved (`saved`). A tag, not template markup: a roster shows one for each
    person confirmed."""
    name = _h(signup.display_name)
    parts = [f'<li id="signup-{signup.pk:d}">']
    if context.get("row_alone"):
        messages = {"messages": context.get("messages"), "oob": True}
        parts.append(render_to_string("includes/messages.html", messages))
    parts += [f'<article class="card"><h3 class="card__title">{name}</h3>', contact(signup)]
    if signup.bringing:
        brings = _h(_("Brings: %(what)s") % {"what": signup.bringing})
        parts.append(f"<p>{brings}</p>")
    if signup.still_coming_at:
        answered = _h(_("Answered the reminder: still coming."))
        parts.append(f'<p class="small">{answered}</p>')
    # One form: Save swaps the row through htmx, Remove reloads the page.
    url = _h(reverse_pk("volunteers:roster_update", signup.pk))
    question = _h(_("Take %(name)s off this shift's roster?") % {"name": signup.display_name})
    save, remove = _h(_("Save")), _h(_("Remove from the roster"))
    parts.append(
        f'<form method="post" action="{url}" novalidate>{_csrf_input(context)}{_h(signup.form)}'
        f'<button type="submit" class="button button--secondary" hx-post="{url}" '
        f'hx-target="#signup-{signup.pk:d}" hx-swap="outerHTML">{save}'
        f'<span class="visually-hidden">: {name}</span></button>'
        f'<button type="submit" name="action" value="remove" class="link-button" '
        f'data-confirm="{question}">{remove}'
        f'<span class="visually-hidden">: {name}</span></button></form>'
    )
    if saved := context.get("saved"):
        parts.append(f'<p class="message message--success" data-note>{_h(saved)}</p>')
    parts.append("</article></li>")
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag(takes_context=True)
def waitlist_entry(context, signup):
    """A person on a shift's waitlist: who they are, how to reach them, and the button
    to take them off it. A tag, not template markup: drawn by the template engine, the
    benchmark's five cost a tenth of its roster."""
    name = _h(signup.display_name)
    url = _h(reverse_pk("volunteers:roster_update", signup.pk))
    question = _h(_("Take %(name)s off this shift's waitlist?") % {"name": signup.display_name})
    remove = _h(_("Remove from the waitlist"))
    return mark_safe(  # noqa: S308
        f"<strong>{name}</strong> {contact(signup)}"
        f'<form method="post" action="{url}" class="inline-form">{_csrf_input(context)}'
        f'<button type="submit" name="action" value="remove" class="link-button" '
        f'data-confirm="{question}">{remove}'
        f'<span class="visually-hidden">: {name}</span></button></form>'
    )


@register.simple_tag
def past_place(signup):
    """One line of My shifts' past tab: the shift, its organization and day, and what
    the place came to: the hours it counts for, or why none. A tag, not template markup:
    the tab shows twenty."""
    shift = signup.shift
    if shift.is_cancelled:
        outcome = _("cancelled by the organization")
    elif signup.status != signup.Status.CONFIRMED:
        outcome = _("you were on the waitlist")
    else:
        outcome = hours(signup.credited_hours())
    return mark_safe(  # noqa: S308
        f'<a href="{_h(shift.get_absolute_url())}">{_h(shift.title)}</a>, '
        f"{_h(shift.organization.name)}, "
        f"{_on(localtime(shift.start).date(), get_language())}: {_h(outcome)}"
    )


@register.filter
def hours(number):
    """A number of hours in words of the visitor's language: "1 hour", "3.5 hours"."""
    return _hours(number, get_language())


@functools.lru_cache(maxsize=256)
def _hours(number, language):
    """hours() for one number in one language, kept: past places come in a handful of
    lengths."""
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if number == 1 else 2) % {
        "hours": hours_number(number)
    }


@register.filter
def hours_number(number):
    """Hours to at most two decimals, without a trailing zero: "2.3", not "2.30", which
    reads as half past two."""
    number = round(Decimal(number), 2)
    tenths = number * 10
    return floatformat(number, "-1" if tenths == tenths.to_integral_value() else "-2")
