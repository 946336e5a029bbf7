from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def dollars(cents):
    """12345 -> "$123.45"; whole amounts drop the cents: 5000 -> "$50"."""
    cents = int(cents or 0)
    whole, rest = divmod(cents, 100)
    return f"${intcomma(whole)}" + (f".{rest:02d}" if rest else "")
