import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from .access import coordinated_organizations, organization_for_coordinator
from .forms import (
    AccountDeleteForm,
    DirectoryFilterForm,
    OrganizationForm,
    OrganizationLinkFormSet,
    ProfileForm,
)
from .lib.hooks import app_hooks
from .lib.pagecache import public_page
from .models import Organization, OrganizationLink


def app_sections(hook, *args):
    """Sections other apps add to a core page through an optional AppConfig method.

    Each returns a dict with a "template" key, a list of such dicts, or None; a
    dict's other keys are that template's context. Apps stay independent of core's views.
    """
    sections = []
    for add_section in app_hooks(hook):
        section = add_section(*args)
        if isinstance(section, list):
            sections.extend(section)
        elif section:
            sections.append(section)
    return sections


@require_safe
@public_page
def home(request):
    return TemplateResponse(
        request, "core/home.html", {"sections": app_sections("home_section", request)}
    )


@require_safe
@vary_on_headers("HX-Request")
@public_page
def organization_list(request):
    form = DirectoryFilterForm(request.GET)
    organizations = form.filtered(Organization.objects.for_directory())
    template = "core/organization_list.html"
    if request.htmx:
        template += "#results"
    return TemplateResponse(request, template, {"form": form, "organizations": organizations})


@require_safe
@public_page
def organization_detail(request, slug):
    organization = Organization.objects.for_page().filter(slug=slug).first()
    if organization is None:
        raise Http404
    is_coordinator = coordinated_organizations(request.user).filter(pk=organization.pk).exists()
    if not organization.is_published and not is_coordinator:
        raise Http404
    return TemplateResponse(
        request,
        "core/organization_detail.html",
        {
            "organization": organization,
            "is_coordinator": is_coordinator,
            "sections": app_sections("organization_section", request, organization),
        },
    )


@require_safe
@public_page
def give_money(request):
    """The give-money door: every organization, with its Donate button or its own page."""
    donation_links = OrganizationLink.objects.filter(kind=OrganizationLink.Kind.DONATION)
    organizations = Organization.objects.for_directory().prefetch_related(
        models.Prefetch("links", queryset=donation_links, to_attr="donation_links")
    )
    return TemplateResponse(request, "core/give_money.html", {"organizations": organizations})


def static_page(template):
    @require_safe
    def view(request):
        return TemplateResponse(request, template)

    return view


def _plain_error_page(template_name, response_class):
    """An error page for when the request or the database cannot be trusted: error.html's
    shell in the request's language, drawn without the session, the user or a query."""
    context = {
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
    }
    return response_class(loader.render_to_string(template_name, context))


def bad_request(request, exception):
    return _plain_error_page("400.html", HttpResponseBadRequest)


def server_error(request):
    return _plain_error_page("500.html", HttpResponseServerError)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("core:profile")
    return TemplateResponse(
        request,
        "core/profile.html",
        {"form": form, "organizations": coordinated_organizations(request.user)},
    )


@login_required
@require_safe
def data_export(request):
    """Everything Hearth keeps about the signed-in person, as one JSON file."""
    data = {"exported_at": timezone.now().isoformat()}
    for personal_data in app_hooks("personal_data"):
        data.update(personal_data(request.user))
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="hearth-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            # Apps first stop what must not outlive the account (monthly gifts at Stripe);
            # one that cannot raises ValidationError, and the account stays as it was.
            for before_account_delete in app_hooks("before_account_delete"):
                before_account_delete(user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            with transaction.atomic():
                user.delete()
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("core:home")
    return TemplateResponse(
        request,
        "core/account_delete.html",
        {"form": form, "sections": app_sections("account_delete_section", request)},
    )


@login_required
@require_safe
def manage_index(request):
    organizations = coordinated_organizations(request.user)
    if not organizations:
        raise Http404
    for organization in organizations:
        organization.manage_links = [
            link for links_of in app_hooks("manage_links") for link in links_of(organization)
        ]
    return TemplateResponse(request, "core/manage_index.html", {"organizations": organizations})


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def organization_edit(request, slug):
    organization = organization_for_coordinator(request, slug)
    data = request.POST if request.method == "POST" else None
    form = OrganizationForm(data, instance=organization)
    links = OrganizationLinkFormSet(data, instance=organization, prefix="links")
    if request.method == "POST" and form.is_valid() and links.is_valid():
        with transaction.atomic():
            form.save()
            links.save()
        messages.success(request, _("%(name)s has been updated.") % {"name": organization.name})
        if not request.htmx:
            return redirect("core:organization_edit", slug=organization.slug)
        form = OrganizationForm(instance=organization)
        links = OrganizationLinkFormSet(instance=organization, prefix="links")
    template = "core/organization_edit.html"
    if request.htmx:
        template += "#editor"
    return TemplateResponse(
        request, template, {"organization": organization, "form": form, "links": links}
    )
