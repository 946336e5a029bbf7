from django import template

register = template.Library()


@register.filter
def dollars(cents):
    """12345 -> "$123.45"; whole amounts drop the cents: 5000 -> "$50".

    Always written the US way ("$1,500.50"), in Spanish too: these are US dollars.
    """
    cents = int(cents or 0)
    whole, rest = divmod(cents, 100)
    return f"${whole:,}" + (f".{rest:02d}" if rest else "")
