from django import template

from core.lib.pagecache import cached

register = template.Library()


class PublicCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        parts = [value.resolve(context) for value in self.vary_on]
        return cached(f"fragment:{self.name}", parts, lambda: self.nodelist.render(context))


@register.tag
def publiccache(parser, token):
    """{% publiccache "name" value... %}...{% endpubliccache %}: a fragment that is the
    same for every visitor with these values, cached as core/lib/pagecache.py explains.

    Nothing inside may depend on who is looking (no user, no CSRF token, no messages)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a fragment name")
    nodelist = parser.parse(("endpubliccache",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return PublicCacheNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
