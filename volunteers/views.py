import copy
import hashlib
from datetime import timedelta

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from core.access import organization_for_coordinator
from core.lib import spreadsheets
from core.lib.pagecache import public_page
from core.lib.prepared import PreparedPages
from core.models import User

from . import calendars, reports, services
from .access import (
    shift_for_coordinator,
    shift_for_public,
    signup_for_coordinator,
    verification_for_coordinator,
)
from .emails import signup_pk_from_token
from .forms import (
    GuestSignUpForm,
    HoursReportForm,
    RosterEntryForm,
    ShiftCancelForm,
    ShiftCreateForm,
    ShiftEditForm,
    ShiftFilterForm,
    ShiftMessageForm,
    ShiftPolicyForm,
    SignUpForm,
    VerificationForm,
)
from .models import (
    MY_PLACES,
    CalendarFeed,
    Shift,
    ShiftPolicy,
    SignUp,
    TransportDetails,
    Verification,
    last_shift_day,
    places_at_the_time_of,
    roster,
    volunteer_totals,
)
from .resources import ShiftResource

SHIFTS_PER_PAGE = 20
# The shift list counts its matches up to this many; above it, it says "1,000+ shifts".
SHIFT_COUNT_CAP = 1000
# The most rows a count may look for: its LIMIT, one more, is a 64-bit integer in SQL.
MOST_COUNTED = 2**63 - 2


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows (or up to one row past the page asked for, if that is
    further), so that a long list is not counted whole. `capped` says the count stopped
    short; num_pages then reaches one page past the page asked for, so "next page" still
    works while rows remain."""

    def __init__(self, object_list, per_page, cap, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = self.limit = cap

    def validate_number(self, number):
        if "count" not in self.__dict__:
            try:
                wanted = int(number)
            except (TypeError, ValueError):
                wanted = 1
            # A page past any list's end counts every row, and gets the last page.
            self.limit = min(max(self.cap, wanted * self.per_page), MOST_COUNTED)
        return super().validate_number(number)

    @cached_property
    def count(self):
        # Only the keys: the annotations stay out of the count unless a filter needs them.
        return self.object_list.values("pk")[: self.limit + 1].count()

    @property
    def capped(self):
        return self.count > self.cap


def _partial(request, template, name):
    return f"{template}#{name}" if request.htmx else template


def _posted(request):
    """The form data of a POST, even an empty one, or None to leave a form unbound."""
    return request.POST if request.method == "POST" else None


def _go(request, url):
    """After a successful htmx form, load the next page whole rather than swap it in."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# Volunteers' pages


@require_safe
@vary_on_headers("HX-Request")
@public_page
def shift_list(request):
    def results():
        shifts = form.filtered(Shift.objects.public().upcoming().for_list())
        paginator = CappedPaginator(shifts, SHIFTS_PER_PAGE, cap=SHIFT_COUNT_CAP)
        return paginator.get_page(request.GET.get("page"))

    # The filters with the results, and for htmx the results alone, are fragments every
    # visitor shares ({% publiccache %}): the form is built and the queries run only
    # when they are not cached.
    form = SimpleLazyObject(lambda: ShiftFilterForm(request.GET))
    page = SimpleLazyObject(results)
    return TemplateResponse(
        request,
        _partial(request, "volunteers/shift_list.html", "results"),
        {"form": form, "page": page},
    )


def _place_and_clash(user, shift):
    """The volunteer's place on this shift, else the soonest other shift of theirs that
    overlaps it, which keeps them from taking one: found in one query."""
    places = places_at_the_time_of(shift, user)
    for place in places:
        if place.shift_id == shift.pk:
            place.shift = shift
            return place, None
    return None, places[0].shift if places else None


def _signup_box(request, shift, form=None, guest_form=None, signup=None, guest_asked=False):
    """What the sign-up box of a shift page shows this visitor; `signup` is their place,
    when the caller has it already; `guest_asked`: a guest's request was just emailed."""
    user = request.user
    missing = clash = None
    if user.is_authenticated:
        if signup is None:
            signup, clash = _place_and_clash(user, shift)
        if signup is None:
            missing = services.missing_verifications(shift, user)
    elif shift.accepts_guests and guest_form is None and not guest_asked:
        guest_form = GuestSignUpForm(shift=shift)
    confirmed_driver = (
        signup is not None and signup.status == SignUp.Status.CONFIRMED and shift.is_transport
    )
    private = None
    if shift.is_transport and (confirmed_driver or shift.viewer_coordinates):
        private = TransportDetails.objects.filter(shift=shift).first()
    now = timezone.now()
    return {
        "shift": shift,
        "signup": signup,
        # A full shift's count offers its waitlist only to who can still join it.
        "waitlist_closed": signup is not None or bool(clash or missing) or shift.start <= now,
        "clash": clash,
        "missing": missing,
        "form": form or SignUpForm(shift=shift),
        "guest_form": guest_form,
        "guest_asked": guest_asked,
        "private": private,
        "now": now,
    }


@require_safe
def shift_detail(request, pk):
    shift = shift_for_public(request, pk)
    return TemplateResponse(request, "volunteers/shift_detail.html", _signup_box(request, shift))


def _answer_with_box(request, shift, signup=None, guest_asked=False, **forms):
    """htmx gets the refreshed box; a plain form post goes back to the page, unless a
    form has errors to show next to its fields. A place just taken (`signup`) brings
    the shift's counts as it left them; otherwise they are loaded again."""
    if request.htmx or any(form is not None and form.errors for form in forms.values()):
        if signup is None:
            shift = shift_for_public(request, shift.pk)  # fresh counts
        else:
            shift.confirmed_count = signup.shift.confirmed_count
            shift.waitlist_count = signup.shift.waitlist_count
            signup.shift = shift
        return TemplateResponse(
            request,
            _partial(request, "volunteers/shift_detail.html", "signup"),
            _signup_box(request, shift, signup=signup, guest_asked=guest_asked, **forms),
        )
    return redirect(shift)


@require_POST
@vary_on_headers("HX-Request")
def shift_signup(request, pk):
    # The counts come from under the lock, or are loaded again to answer a refusal.
    if not request.user.is_authenticated:
        return _guest_signup(request, shift_for_public(request, pk, counts=False))
    signup = None
    # A volunteer's sign-up reads the shift once, locked, both to check who may see it
    # and to take the place; a refusal rolls back what little it did.
    with transaction.atomic():
        shift = shift_for_public(request, pk, counts=False, lock=True)
        form = SignUpForm(request.POST, shift=shift)
        if form.is_valid():
            try:
                signup = services.signup_create(
                    shift=shift, volunteer=request.user, locked=True, **form.cleaned_data
                )
            except services.Refusal as refusal:
                messages.error(request, refusal.message)
            else:
                if signup.status == SignUp.Status.CONFIRMED:
                    messages.success(request, _("You are signed up. We sent you an email."))
                else:
                    messages.success(
                        request,
                        _(
                            "The shift is full, so you are on the waitlist. We will email "
                            "you if a spot opens."
                        ),
                    )
                form = None
    return _answer_with_box(request, shift, signup=signup, form=form)


# A guest sign-up emails whatever address is typed: limit how often, per address and
# per visitor, so that the form cannot be used to flood someone's inbox.
GUEST_SIGNUPS_PER_HOUR = 5


def _guest_signup_allowed(request, email):
    allowed = True
    address = get_adapter(request).get_client_ip(request)
    # Hashed: an address can be longer than a cache key may be.
    email_key = hashlib.sha256(email.lower().encode()).hexdigest()
    for key in [f"guest-signup:{email_key}", f"guest-signup:{address}"]:
        cache.add(key, 0, timeout=3600)
        allowed = cache.incr(key) <= GUEST_SIGNUPS_PER_HOUR and allowed
    return allowed


def _guest_signup(request, shift):
    guest_form = GuestSignUpForm(request.POST, shift=shift)
    if guest_form.is_valid() and not _guest_signup_allowed(
        request, guest_form.cleaned_data["email"]
    ):
        guest_form.add_error(
            "email", _("Too many sign-ups from here in the last hour. Please try again later.")
        )
    if guest_form.is_valid():
        data = guest_form.cleaned_data
        try:
            services.guest_signup_create(
                shift=shift,
                name=data["name"],
                email=data["email"],
                bringing=data.get("bringing", ""),
                language=translation.get_language(),
            )
        except services.Refusal as refusal:
            messages.error(request, refusal.message)
        else:
            if not request.htmx:  # htmx shows the same in the box it swaps in
                messages.success(
                    request,
                    _("Almost done: open the link we emailed you to confirm your place."),
                )
            return _answer_with_box(request, shift, guest_asked=True)
    return _answer_with_box(request, shift, guest_form=guest_form)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def shift_leave(request, pk):
    shift = shift_for_public(request, pk, counts=False)
    signup = shift.signups.active().filter(volunteer=request.user).first()
    if signup is None:
        messages.error(request, _("You are not signed up for this shift."))
    else:
        try:
            services.signup_cancel(signup)
        except services.Refusal as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your place is cancelled. Thank you for telling us."))
    if not request.htmx and request.POST.get("next") == "mine":
        return redirect("volunteers:my_shifts")
    return _answer_with_box(request, shift)


@require_http_methods(["GET", "POST"])
def signup_link(request, token):
    """The page behind the links in a sign-up's emails: confirm a guest's place, answer
    the reminder, or cancel. Changes happen on POST only, as mail scanners follow links;
    the reminder's "yes" is the exception, as answering it twice changes nothing."""
    pk = signup_pk_from_token(token)
    signup = get_object_or_404(
        SignUp.objects.select_related("shift__organization__shift_policy", "volunteer"), pk=pk
    )
    answer = request.GET.get("answer")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                signup = services.signup_confirm(signup)
                messages.success(request, _("Thank you, your email is confirmed."))
            elif action == "cancel":
                services.signup_cancel(signup)
                messages.success(request, _("Your place is cancelled. Thank you for telling us."))
        except services.Refusal as refusal:
            messages.error(request, refusal.message)
        return redirect("volunteers:signup_link", token=token)
    if answer == "yes" and signup.status == SignUp.Status.CONFIRMED:
        services.signup_still_coming(signup)
        messages.success(request, _("Thank you! The organization knows you are coming."))
        return redirect("volunteers:signup_link", token=token)
    return TemplateResponse(
        request,
        "volunteers/signup_link.html",
        {"signup": signup, "shift": signup.shift, "answer": answer, "now": timezone.now()},
    )


# A volunteer's upcoming shifts are cards, their past ones single lines.
MY_PER_PAGE = {"upcoming": 10, "past": 20}


def _my_shifts_tab(request, tab, template, **extra):
    """One tab of My shifts: upcoming places soonest first, or past ones latest first,
    a page at a time, so that years of shifts cost no more than a newcomer's few. Both
    tabs show the hours served and how many places each tab holds."""
    now = timezone.now()
    totals = volunteer_totals(request.user, now)
    places = PreparedPages(MY_PLACES[tab], totals[tab], volunteer=request.user.pk, now=now)
    paginator = Paginator(places, MY_PER_PAGE[tab])
    return TemplateResponse(
        request,
        template,
        {
            "tab": tab,
            "page": paginator.get_page(request.GET.get("page")),
            "totals": totals,
            **extra,
        },
    )


@login_required
@require_safe
def my_shifts(request):
    feed = CalendarFeed.of(request.user)
    return _my_shifts_tab(request, "upcoming", "volunteers/my_shifts.html", feed=feed)


@login_required
@require_safe
def my_past_shifts(request):
    return _my_shifts_tab(request, "past", "volunteers/my_past_shifts.html")


@login_required
@require_POST
def calendar_renew(request):
    feed = CalendarFeed.of(request.user)
    feed.renew()
    messages.success(request, _("Your calendar has a new address. The old one no longer works."))
    return redirect("volunteers:my_shifts")


@require_safe
def calendar_feed(request, token):
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    # In the language the volunteer chose for what Hearth sends them, whichever page's
    # address they copied.
    with translation.override(feed.user.language):
        response = calendars.response(calendars.feed(feed.user), "hearth-shifts.ics")
    response["Content-Language"] = feed.user.language
    return response


@require_safe
def shift_ics(request, pk):
    shift = shift_for_public(request, pk)
    return calendars.response(calendars.single(shift), f"shift-{shift.pk}.ics")


# Coordinators' pages


@login_required
@require_http_methods(["GET", "POST"])
def manage_shifts(request, slug):
    organization = organization_for_coordinator(request, slug)
    policy = ShiftPolicy.objects.filter(organization=organization).first() or ShiftPolicy(
        organization=organization
    )
    policy_form = ShiftPolicyForm(_posted(request), instance=policy)
    if request.method == "POST" and policy_form.is_valid():
        policy_form.save()
        messages.success(request, _("The cancellation cut-off is saved."))
        return redirect("volunteers:manage_shifts", slug=slug)
    past = request.GET.get("show") == "past"
    now = timezone.now()
    shifts = Shift.objects.filter(organization=organization).for_list()
    if past:
        shifts = shifts.filter(end__lte=now).reverse()
    else:
        # A ride without its exact pickup point (one imported from a spreadsheet, say)
        # leaves its driver nowhere to go: the card says so.
        shifts = shifts.filter(end__gt=now).annotate(
            pickup_point=F("private_details__pickup_point")
        )
    page = Paginator(shifts, SHIFTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "volunteers/manage_shifts.html",
        {"organization": organization, "page": page, "past": past, "policy_form": policy_form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def shift_create(request, slug):
    organization = organization_for_coordinator(request, slug)
    initial = {}
    if "copy" in request.GET:
        initial = _copy_initial(request, organization)
    form = ShiftCreateForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.organization = organization
        shifts = services.shift_create(
            shift=form.instance, private=form.private_details(), weeks=form.cleaned_data["weeks"]
        )
        messages.success(
            request,
            ngettext("The shift is posted.", "%(count)s weekly shifts are posted.", len(shifts))
            % {"count": len(shifts)},
        )
        return _go(request, reverse("volunteers:shift_roster", args=[shifts[0].pk]))
    return TemplateResponse(
        request,
        _partial(request, "volunteers/shift_form.html", "shift-form"),
        {"organization": organization, "form": form, "shift": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_import(request, slug):
    """Shifts from a CSV or XLSX file: upload, preview every line, then import."""
    organization = organization_for_coordinator(request, slug)
    return spreadsheets.import_view(
        request,
        resource=ShiftResource(organization),
        context={
            "organization": organization,
            "formats": spreadsheets.FORMATS,
            "templates": ShiftResource.template_files(),
        },
        done_url=reverse("volunteers:manage_shifts", args=[organization.slug]),
        template_name="volunteers/shift_import.html",
    )


@login_required
@require_safe
def shift_export(request, slug, fmt):
    organization = organization_for_coordinator(request, slug)
    return spreadsheets.export_response(
        ShiftResource(organization),
        Shift.objects.filter(organization=organization).for_export(),
        fmt,
        f"{organization.slug}-shifts",
    )


def _copy_initial(request, organization):
    """Initial values to duplicate a shift of this organization, a week later."""
    try:
        source = shift_for_coordinator(request, int(request.GET["copy"]))
    except ValueError:
        raise Http404 from None
    if source.organization_id != organization.pk:
        raise Http404
    form = ShiftCreateForm(instance=source)
    initial = {name: form[name].initial for name in form.fields if name != "weeks"}
    # From today on, and no further ahead than a shift may be posted.
    week_later = min(form["date"].initial, last_shift_day() - timedelta(weeks=1))
    initial["date"] = max(week_later + timedelta(weeks=1), timezone.localdate())
    return initial


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def shift_edit(request, pk):
    shift = shift_for_coordinator(request, pk)
    before = copy.copy(shift)
    form = ShiftEditForm(_posted(request), instance=shift)
    if request.method == "POST" and form.is_valid():
        try:
            services.shift_update(
                shift=form.instance,
                before=before,
                private=form.private_details(),
                following=form.following,
            )
        except services.Refusal as refusal:
            form.add_error("capacity", refusal.message)
        else:
            messages.success(request, _("The shift is updated."))
            return _go(request, reverse("volunteers:shift_roster", args=[shift.pk]))
    return TemplateResponse(
        request,
        _partial(request, "volunteers/shift_form.html", "shift-form"),
        {"organization": shift.organization, "form": form, "shift": shift},
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_cancel(request, pk):
    shift = shift_for_coordinator(request, pk)
    form = ShiftCancelForm(_posted(request), shift=shift)
    if request.method == "POST" and form.is_valid():
        cancelled = services.shift_cancel(shift, following=form.following)
        messages.success(
            request,
            ngettext(
                "The shift is cancelled. Everyone who held a place gets an email.",
                "%(count)s shifts are cancelled. Everyone who held a place gets an email.",
                len(cancelled),
            )
            % {"count": len(cancelled)},
        )
        return redirect("volunteers:manage_shifts", slug=shift.organization.slug)
    return TemplateResponse(request, "volunteers/shift_cancel.html", {"shift": shift, "form": form})


def _roster(shift, message_form=None, entry=None):
    """The roster page's context; `entry` is a roster form with errors to show as typed."""
    signups = roster(shift)
    confirmed = [s for s in signups if s.status == SignUp.Status.CONFIRMED]
    saved = RosterEntryForm.render_saved(confirmed)
    for signup, html in zip(confirmed, saved, strict=True):
        signup.form = entry if entry is not None and entry.instance.pk == signup.pk else html
    return {
        "shift": shift,
        "message_form": message_form or ShiftMessageForm(),
        "confirmed": confirmed,
        "waitlisted": [s for s in signups if s.status == SignUp.Status.WAITLISTED],
        "pending": [s for s in signups if s.status == SignUp.Status.PENDING],
    }


@login_required
@require_http_methods(["GET", "POST"])
def shift_roster(request, pk):
    shift = shift_for_coordinator(request, pk)
    message_form = ShiftMessageForm(_posted(request))
    if request.method == "POST" and message_form.is_valid():
        count = services.shift_message_send(shift, **message_form.cleaned_data)
        messages.success(
            request,
            ngettext(
                "Your message is on its way to %(count)s confirmed volunteer.",
                "Your message is on its way to %(count)s confirmed volunteers.",
                count,
            )
            % {"count": count},
        )
        return redirect("volunteers:shift_roster", pk=pk)
    return TemplateResponse(
        request, "volunteers/shift_roster.html", _roster(shift, message_form=message_form)
    )


@login_required
@require_POST
@vary_on_headers("HX-Request")
def roster_update(request, pk):
    """Mark attendance and hours of one confirmed volunteer, or remove someone."""
    signup = signup_for_coordinator(request, pk)
    shift = signup.shift
    if request.POST.get("action") == "remove":
        services.signup_remove(signup)
        messages.success(
            request,
            _("%(name)s is off the roster; the next person on the waitlist moved up.")
            % {"name": signup.display_name},
        )
        return redirect("volunteers:shift_roster", pk=shift.pk)
    form = RosterEntryForm(request.POST, instance=signup)
    saved = None
    if form.is_valid():
        services.signup_record(
            signup, attendance=form.cleaned_data["attendance"], hours=form.cleaned_data["hours"]
        )
        saved = _("Saved for %(name)s.") % {"name": signup.display_name}
        if not request.htmx:
            messages.success(request, saved)
            return redirect("volunteers:shift_roster", pk=shift.pk)
        form = RosterEntryForm(instance=signup)
    if request.htmx:
        signup.form = form
        return TemplateResponse(
            request,
            "volunteers/shift_roster.html#roster-row",
            # The row comes alone, so it brings the messages out of band; it says it
            # saved itself, where the coordinator is, on a long roster on a phone.
            {"shift": shift, "signup": signup, "row_alone": True, "saved": saved},
        )
    return TemplateResponse(request, "volunteers/shift_roster.html", _roster(shift, entry=form))


def _known_volunteers(organization):
    """People who signed up for the organization's shifts or hold one of its verifications:
    the only accounts whose details its coordinators may see."""
    return (
        User.objects.filter(
            Q(shift_signups__shift__organization=organization)
            | Q(shift_verifications__organization=organization)
        )
        .distinct()
        .order_by("name", "email")
    )


@login_required
@require_http_methods(["GET", "POST"])
def verifications(request, slug):
    organization = organization_for_coordinator(request, slug)
    known = _known_volunteers(organization)
    form = VerificationForm(_posted(request), volunteers=known)
    if request.method == "POST" and form.is_valid():
        verification = services.verification_grant(
            organization=organization, granted_by=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _("%(name)s: %(kind)s verified until %(day)s.")
            % {
                "name": verification.volunteer,
                "kind": verification.get_kind_display(),
                "day": date_format(verification.expires_on),
            },
        )
        return redirect("volunteers:verifications", slug=slug)
    granted = Verification.objects.filter(organization=organization).select_related("volunteer")
    by_volunteer = {}
    for verification in granted:
        by_volunteer.setdefault(verification.volunteer_id, []).append(verification)
    people = [(person, by_volunteer.get(person.pk, [])) for person in known]
    return TemplateResponse(
        request,
        "volunteers/verifications.html",
        {
            "organization": organization,
            "form": form,
            "people": people,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def verification_revoke(request, pk):
    verification = verification_for_coordinator(request, pk)
    verification.delete()
    messages.success(
        request,
        _("%(name)s: %(kind)s is no longer verified.")
        % {"name": verification.volunteer, "kind": verification.get_kind_display()},
    )
    return redirect("volunteers:verifications", slug=verification.organization.slug)


@login_required
@require_safe
def hours_report(request, slug):
    organization = organization_for_coordinator(request, slug)
    form = HoursReportForm(request.GET)
    start, end = form.period()
    if form.is_valid():
        # The boxes show the days the report covers, the default ones included.
        form = HoursReportForm({"start": start, "end": end})
    rows = reports.hours_by_volunteer_and_month(organization, start, end)
    export = request.GET.get("format")
    if export in reports.FORMATS:
        content_type, data = reports.export(rows, export)
        response = HttpResponse(data, content_type=content_type)
        filename = f"{organization.slug}-hours-{start}-{end}.{export}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return TemplateResponse(
        request,
        "volunteers/hours_report.html",
        {
            "organization": organization,
            "form": form,
            "rows": rows,
            "start": start,
            "end": end,
            "total": sum(row["hours"] for row in rows),
            "export_query": request.GET.urlencode(),
            "report_url": reverse("volunteers:hours_report", args=[slug]),
        },
    )
