from django.template.response import TemplateResponse


def method_not_allowed_page(get_response):
    """Answer a page's request for an address that only takes a form's POST (a link
    followed after logging in, say) with a page that says what to do, in the site's
    shell, instead of the empty body of HttpResponseNotAllowed."""

    def middleware(request):
        response = get_response(request)
        if response.status_code == 405 and not response.content and not request.htmx:
            page = TemplateResponse(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page.render()
        return response

    return middleware
