import hashlib
from itertools import groupby

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from core.access import organization_for_coordinator
from core.lib import spreadsheets
from core.lib.pagecache import public_page

from . import services
from .access import need_for_coordinator, pledge_for_coordinator, pledge_for_token
from .forms import (
    DropOffForm,
    NeedActionForm,
    NeedFilterForm,
    NeedForm,
    PledgeForm,
    ReceiveForm,
    WalkInForm,
)
from .models import DropOff, Need, Pledge
from .resources import NeedResource, PledgeResource

PAGE_SIZE = 24
# Guests pledge without an account, so each pledge emails a stranger's address:
# a few an hour per address and per network keep Hearth from being used to spam.
GUEST_PLEDGES_PER_HOUR = {"email": 3, "ip": 10}


def _template(name, request, partial):
    return f"{name}#{partial}" if request.htmx else name


# Public: the list, a need and its pledge form, a pledge's signed page.


@require_safe
@vary_on_headers("HX-Request")
@public_page
def need_list(request):
    form = NeedFilterForm(request.GET)
    needs = form.filtered(Need.objects.public().for_list())
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        _template("needs/need_list.html", request, "results"),
        {"form": form, "page": page},
    )


def _guest_may_pledge(request, email):
    keys = {
        "email": hashlib.sha256(email.lower().encode()).hexdigest(),
        "ip": get_adapter(request).get_client_ip(request),
    }
    allowed = True
    for kind, value in keys.items():
        key = f"needs:guest-pledges:{kind}:{value}"
        cache.add(key, 0, timeout=60 * 60)
        if cache.incr(key) > GUEST_PLEDGES_PER_HOUR[kind]:
            allowed = False
    return allowed


@require_http_methods(["GET", "POST"])
def need_detail(request, pk):
    need = get_object_or_404(
        Need.objects.select_related("organization").filter(
            organization__is_published=True,
            status__in=[Need.Status.OPEN, Need.Status.FULFILLED],
        ),
        pk=pk,
    )
    dropoff = DropOff.objects.filter(organization=need.organization).first()
    guest = not request.user.is_authenticated
    form = PledgeForm(request.POST or None, need=need, dropoff=dropoff, guest=guest)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if guest and not _guest_may_pledge(request, data["email"]):
            form.add_error(
                None, _("Too many pledges from here in a short time. Please try again in an hour.")
            )
        else:
            try:
                pledge = services.pledge_create(
                    need=need,
                    quantity=data["quantity"],
                    method=data["method"],
                    expected_on=data["expected_on"],
                    donor=None if guest else request.user,
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    language=get_language(),
                )
            except services.NotEnoughOpen as refused:
                form.add_error("quantity", PledgeForm.too_many_message(refused.open_quantity))
            except services.PledgeStateError:
                form.add_error(None, _("This need is not taking pledges right now."))
            else:
                if guest:
                    messages.success(
                        request,
                        _(
                            "Almost done: we emailed a confirmation link to %(email)s. "
                            "Your pledge counts once you open it."
                        )
                        % {"email": pledge.email},
                    )
                    return redirect(need)
                messages.success(
                    request, _("Thank you! Your pledge is recorded and we emailed you the details.")
                )
                return redirect(pledge.get_manage_url())
    # Personal, so only for a signed-in viewer: an anonymous page (one day perhaps served
    # from the shared page cache) always reads "others".
    pledged_by_viewer = (
        not guest
        and need.status == Need.Status.OPEN
        and not need.accepts_pledges
        and need.pledges.filter(
            # A pledge cancelled or released after part of it arrived still gave that part.
            Q(status__in=[Pledge.Status.CONFIRMED, Pledge.Status.DELIVERED]) | Q(delivered__gt=0),
            donor=request.user,
        ).exists()
    )
    return TemplateResponse(
        request,
        "needs/need_detail.html",
        {
            "need": need,
            "organization": need.organization,
            "dropoff": dropoff,
            "form": form,
            "pledged_by_viewer": pledged_by_viewer,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def pledge_manage(request, token):
    pledge = pledge_for_token(token)
    need = pledge.need
    dropoff = DropOff.objects.filter(organization=need.organization).first()
    form = None
    if pledge.can_be_changed and not pledge.confirmation_expired:
        form = PledgeForm(request.POST or None, need=need, dropoff=dropoff, pledge=pledge)
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This pledge can no longer be changed."))
            return redirect(request.path)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.pledge_change(
                    pledge,
                    quantity=data["quantity"],
                    method=data["method"],
                    expected_on=data["expected_on"],
                )
            except services.NotEnoughOpen as refused:
                form.add_error("quantity", PledgeForm.too_many_message(refused.open_quantity))
            except services.PledgeStateError:
                messages.error(request, _("This pledge can no longer be changed."))
                return redirect(request.path)
            else:
                messages.success(request, _("Your pledge is updated."))
                return redirect(request.path)
    return TemplateResponse(
        request,
        "needs/pledge_manage.html",
        {"pledge": pledge, "need": need, "dropoff": dropoff, "form": form, "token": token},
    )


@never_cache
@require_POST
def pledge_confirm(request, token):
    pledge = pledge_for_token(token)
    manage_url = reverse("needs:pledge_manage", args=[token])
    if pledge.confirmation_expired:
        messages.error(request, _("This confirmation link has expired. Please pledge again."))
        return redirect(manage_url)
    try:
        services.pledge_confirm(pledge)
    except services.NotEnoughOpen as refused:
        messages.error(
            request,
            "{} {}".format(
                PledgeForm.too_many_message(refused.open_quantity),
                _("Change the quantity below, then confirm."),
            ),
        )
    except services.PledgeStateError:
        messages.info(request, _("This pledge was already confirmed or closed."))
    else:
        messages.success(
            request, _("Thank you! Your pledge is confirmed and we emailed you the details.")
        )
    return redirect(manage_url)


@never_cache
@require_POST
def pledge_cancel(request, token):
    pledge = pledge_for_token(token)
    try:
        pledge = services.pledge_cancel(pledge)
    except services.PledgeStateError:
        messages.info(request, _("This pledge was already closed."))
    else:
        if pledge.delivered:
            messages.success(
                request,
                ngettext(
                    "The rest of your pledge is cancelled. The %(delivered)s that arrived "
                    "still counts as given. Thank you for letting them know.",
                    "The rest of your pledge is cancelled. The %(delivered)s that arrived "
                    "still count as given. Thank you for letting them know.",
                    pledge.delivered,
                )
                % {"delivered": pledge.delivered},
            )
        else:
            messages.success(
                request, _("Your pledge is cancelled. Thank you for letting them know.")
            )
    return redirect("needs:pledge_manage", token=token)


@login_required
@require_safe
def my_pledges(request):
    pledges = Pledge.objects.for_donor(request.user)
    return TemplateResponse(request, "needs/my_pledges.html", {"pledges": pledges})


# Coordinators: needs, receiving, drop-off, spreadsheets.


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def manage_needs(request, slug):
    organization = organization_for_coordinator(request, slug)
    status = request.GET.get("status", "")
    if status not in Need.Status.values:
        status = ""
    form = NeedForm(request.POST or None)
    posted = False
    if request.method == "POST" and form.is_valid():
        need = form.save(commit=False)
        need.organization = organization
        need.save()
        messages.success(request, _("“%(title)s” is posted.") % {"title": need.title})
        if not request.htmx:
            return redirect(request.get_full_path())
        form, posted = NeedForm(), True
    needs = Need.objects.filter(organization=organization)
    needs = needs.filter(status=status) if status else needs.exclude(status=Need.Status.ARCHIVED)
    partial = "need_form" if request.method == "POST" else "need_list"
    return TemplateResponse(
        request,
        _template("needs/manage_needs.html", request, partial),
        {
            "organization": organization,
            "form": form,
            "needs": needs.ordered(),
            "status": status,
            "statuses": Need.Status.choices,
            "posted": posted,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def need_edit(request, pk):
    need = need_for_coordinator(request, pk)
    form = NeedForm(request.POST or None, instance=need)
    if request.method == "POST" and form.is_valid():
        need = services.need_update(need, **form.changes())
        messages.success(request, _("“%(title)s” is saved.") % {"title": need.title})
        if not request.htmx:
            return redirect("needs:manage_needs", slug=need.organization.slug)
        form = NeedForm(instance=need)
    return TemplateResponse(
        request,
        _template("needs/need_edit.html", request, "editor"),
        {"need": need, "organization": need.organization, "form": form},
    )


@login_required
@require_POST
@vary_on_headers("HX-Request")
def need_action(request, pk):
    need = need_for_coordinator(request, pk)
    form = NeedActionForm(request.POST)
    if form.is_valid() and (changes := form.changes()):
        need = services.need_update(need, **changes)
        messages.success(
            request,
            _("“%(title)s”: %(status)s, %(priority)s priority.")
            % {
                "title": need.title,
                "status": need.get_status_display(),
                "priority": need.get_priority_display(),
            },
        )
    if request.htmx:
        return TemplateResponse(
            request,
            "needs/manage_needs.html#need_row",
            {"need": need, "organization": need.organization, "swapped": True},
        )
    return redirect("needs:manage_needs", slug=need.organization.slug)


def _receive_groups(organization, *, need=None, bound_form=None):
    """Pledges still to arrive, grouped under their need, each with its receive form.

    A form the coordinator got wrong is shown again in place, with its error.
    """
    pledges = Pledge.objects.to_receive(organization)
    if need is not None:
        pledges = pledges.filter(need=need)
    groups = []
    for grouped_need, group in groupby(pledges, key=lambda pledge: pledge.need):
        group = list(group)
        for pledge in group:
            if bound_form is not None and bound_form.pledge.pk == pledge.pk:
                pledge.receive_form = bound_form
            else:
                pledge.receive_form = ReceiveForm(pledge=pledge)
        groups.append((grouped_need, group))
    return groups


def _need_pledges(need, bound_form=None):
    groups = _receive_groups(need.organization, need=need, bound_form=bound_form)
    return groups[0][1] if groups else []


def _receive_page(request, organization, *, bound_form=None, walk_in_form=None):
    return TemplateResponse(
        request,
        "needs/receive.html",
        {
            "organization": organization,
            "groups": _receive_groups(organization, bound_form=bound_form),
            "walk_in_form": walk_in_form or WalkInForm(organization=organization),
        },
    )


def _need_group(request, need, bound_form=None):
    """For htmx: the need's progress and its pledges, after one of them changed."""
    return TemplateResponse(
        request,
        "needs/receive.html#need_group",
        {
            "organization": need.organization,
            "need": need,
            "pledges": _need_pledges(need, bound_form),
            "swapped": True,
        },
    )


@login_required
@require_safe
def receive(request, slug):
    organization = organization_for_coordinator(request, slug)
    return _receive_page(request, organization)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def pledge_receive(request, pk):
    pledge = pledge_for_coordinator(request, pk)
    organization = pledge.need.organization
    form = ReceiveForm(request.POST, pledge=pledge)
    if form.is_valid():
        try:
            services.pledge_receive(
                pledge, quantity=form.cleaned_data["quantity"], recorded_by=request.user
            )
        except (services.PledgeStateError, ValueError):
            messages.error(request, _("This pledge changed meanwhile; here is where it stands."))
        else:
            messages.success(
                request,
                _("Received %(quantity)s of “%(title)s” from %(name)s.")
                % {
                    "quantity": form.cleaned_data["quantity"],
                    "title": pledge.need.title,
                    "name": pledge.contact_name,
                },
            )
        form = None
    if not request.htmx:
        if form is None:
            return redirect("needs:receive", slug=organization.slug)
        return _receive_page(request, organization, bound_form=form)
    need = Need.objects.select_related("organization").get(pk=pledge.need_id)
    return _need_group(request, need, bound_form=form)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def pledge_release(request, pk):
    pledge = pledge_for_coordinator(request, pk)
    try:
        services.pledge_release(pledge)
    except services.PledgeStateError:
        messages.error(request, _("This pledge cannot be released yet."))
    else:
        messages.success(
            request,
            _("The pledge is released: %(quantity)s of “%(title)s” are open again.")
            % {"quantity": pledge.quantity - pledge.delivered, "title": pledge.need.title},
        )
    if not request.htmx:
        return redirect("needs:receive", slug=pledge.need.organization.slug)
    need = Need.objects.select_related("organization").get(pk=pledge.need_id)
    return _need_group(request, need)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def walk_in(request, slug):
    organization = organization_for_coordinator(request, slug)
    form = WalkInForm(request.POST, organization=organization)
    context = {"organization": organization, "walk_in_form": form}
    need = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            need = services.walk_in_record(
                need=data["need"],
                quantity=data["quantity"],
                note=data["note"],
                recorded_by=request.user,
            )
        except services.NotEnoughOpen as refused:
            form.add_error("quantity", WalkInForm.too_many_message(refused.need))
    if need is not None:
        messages.success(
            request,
            _("Recorded %(quantity)s of “%(title)s” as received.")
            % {"quantity": data["quantity"], "title": need.title},
        )
        if not request.htmx:
            return redirect("needs:receive", slug=organization.slug)
        # The need's group on the page, if it has one, shows the new total too.
        context.update(
            walk_in_form=WalkInForm(organization=organization),
            need=need,
            pledges=_need_pledges(need),
        )
    elif not request.htmx:
        return _receive_page(request, organization, walk_in_form=form)
    return TemplateResponse(request, "needs/receive.html#walk_in", context)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def dropoff_edit(request, slug):
    organization = organization_for_coordinator(request, slug)
    dropoff = DropOff.objects.filter(organization=organization).first()
    dropoff = dropoff or DropOff(organization=organization)
    form = DropOffForm(request.POST or None, instance=dropoff)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Drop-off settings are saved."))
        if not request.htmx:
            return redirect("needs:dropoff_edit", slug=organization.slug)
        form = DropOffForm(instance=dropoff)
    return TemplateResponse(
        request,
        _template("needs/dropoff_edit.html", request, "editor"),
        {"organization": organization, "form": form},
    )


@login_required
@require_safe
def spreadsheet_hub(request, slug):
    organization = organization_for_coordinator(request, slug)
    return TemplateResponse(
        request,
        "needs/spreadsheets.html",
        {
            "organization": organization,
            "form": spreadsheets.ImportForm(resource=NeedResource(organization)),
            "formats": spreadsheets.FORMATS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def needs_import(request, slug):
    organization = organization_for_coordinator(request, slug)
    return spreadsheets.import_view(
        request,
        resource=NeedResource(organization),
        context={
            "organization": organization,
            "title": _("Import needs"),
            "nav_template": "needs/includes/manage_nav.html",
            "back_url": reverse("needs:spreadsheets", args=[organization.slug]),
            "templates": NeedResource.template_files(),
        },
        done_url=reverse("needs:manage_needs", args=[organization.slug]),
        template_name="needs/spreadsheet_import.html",
    )


@login_required
@require_safe
def needs_export(request, slug, fmt):
    organization = organization_for_coordinator(request, slug)
    return spreadsheets.export_response(
        NeedResource(organization),
        Need.objects.filter(organization=organization).order_by("pk"),
        fmt,
        f"{organization.slug}-needs",
    )


@login_required
@require_safe
def pledges_export(request, slug, fmt):
    organization = organization_for_coordinator(request, slug)
    return spreadsheets.export_response(
        PledgeResource(organization),
        Pledge.objects.for_export(organization),
        fmt,
        f"{organization.slug}-pledges",
    )
