"""Synthetic data for the load benchmark (`make bench`, see bench/README.md).

At --scale 1: 200 organizations, 40,000 shifts over a year (half past, half to come),
400,000 sign-ups by 40,000 volunteers, 20,000 needs with 200,000 pledges and 100,000
donations. Every count follows --scale (0.1 for a quick run, 10 for a large one).

A few fixtures stay the same size at every scale, so that the pages the benchmark
measures do the same work and only the tables around them grow:
- bench-volunteer@bench.example holds 200 sign-ups (100 past, 100 to come);
- bench-coordinator@bench.example coordinates bench-org-000, whose "Benchmark roster"
  shift a week from now has 20 confirmed volunteers, 5 on the waitlist and 2 pending guests;
- bench-signup-NNN@bench.example (256 people with no sign-ups) and 200 open
  "Benchmark sign-up" shifts of bench-signup-desk, after the year of data, for the
  sign-up POST.

Fast: rows go in with bulk_create inside one transaction, every account shares one
password hash (computed once), and the denormalised counters are computed here the way
the services keep them: a shift never has more confirmed places than its capacity and
has a waitlist only when full, nobody holds two places at overlapping times, anyone
holding a place on a shift with requirements holds the matching verification, and each
need's pledged and received totals are the sums over its pledges and receipts.

It refuses to touch a database that holds organizations it did not make.
"""

import json
import random
import time as clock
import uuid
from bisect import bisect_right
from datetime import datetime, time, timedelta
from itertools import accumulate

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.models import (
    Membership,
    Organization,
    OrganizationLink,
    OrganizationService,
    Service,
    User,
)
from needs.models import (
    Donation,
    DonationGoal,
    DropOff,
    Need,
    Pledge,
    Priority,
    Receipt,
)
from volunteers.models import Shift, ShiftPolicy, SignUp, TransportDetails, Verification

PASSWORD = "bench-password"  # noqa: S105 - known on purpose: the benchmark logs in with it
DOMAIN = "bench.example"
BENCH_VOLUNTEER = f"bench-volunteer@{DOMAIN}"
BENCH_COORDINATOR = f"bench-coordinator@{DOMAIN}"
BENCH_ORG = "bench-org-000"
SIGNUP_DESK = "bench-signup-desk"
ROSTER_TITLE = "Benchmark roster"
SIGNUP_TITLE = "Benchmark sign-up"
SIGNUP_POOL = 256
SIGNUP_SHIFTS = 200
MY_SHIFTS_PAST = 100
MY_SHIFTS_UPCOMING = 100
ROSTER_CONFIRMED, ROSTER_WAITLISTED, ROSTER_GUESTS = 20, 5, 2
DAYS = 365
BATCH = 2000

ITEMS = [
    ("Toothbrushes", "hygiene"),
    ("Travel-size shampoo", "hygiene"),
    ("Sanitary pads", "hygiene"),
    ("Deodorant", "hygiene"),
    ("Women's socks", "clothing"),
    ("Winter coats (women's M/L)", "clothing"),
    ("Underwear, new (sizes S-XL)", "clothing"),
    ("Twin sheet sets", "bedding"),
    ("Pillows", "bedding"),
    ("Bath towels", "household"),
    ("Dish soap", "household"),
    ("Laundry detergent", "household"),
    ("Canned vegetables", "food"),
    ("Peanut butter", "food"),
    ("Diapers size 4", "baby"),
    ("Baby wipes", "baby"),
    ("Backpacks", "school"),
    ("Notebooks", "school"),
    ("Bus passes (31-day)", "gift_cards"),
    ("Grocery gift cards ($25)", "gift_cards"),
    ("Phone chargers", "other"),
]
MEAL_TITLES = ["Serve the community dinner", "Serve breakfast", "Cook and serve lunch"]
BRING_TITLES = ["Bring a main dish", "Bring a dessert", "Bring a salad"]
RIDE_TITLES = {
    "court": "Ride to a court date",
    "medical": "Ride to a medical appointment",
    "dental": "Ride to the dental clinic",
    "id_office": "Ride to the ID office",
    "job_interview": "Ride to a job interview",
}
OTHER_TITLES = [
    "Sort donations",
    "Welcome guests at the drop-in center",
    "Pack hygiene kits",
    "Tutor for the GED class",
    "Garden workday",
]
PLACES = ["Midtown", "Westport", "Downtown", "Northeast", "Crossroads", "River Market"]
FIRST = ["Ana", "Ben", "Cleo", "Dev", "Eva", "Finn", "Gia", "Hugo", "Iris", "Jon", "Kai", "Lena"]
LAST = ["Garcia", "Smith", "Nguyen", "Johnson", "Lopez", "Brown", "Kim", "Davis", "Patel"]
WORDS = ["Harbor", "Beacon", "Haven", "Bridge", "Willow", "Cedar", "Lantern", "Compass", "Anchor"]
KINDS = ["House", "Project", "Network", "Center", "Alliance", "Collective"]


def _local(day, at):
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def data_marker():
    """What the signup desk's mission says about the data set, or None without one."""
    desk = Organization.objects.filter(slug=SIGNUP_DESK).first()
    if desk is None:
        return None
    try:
        return json.loads(desk.mission)
    except ValueError:
        return None


class Command(BaseCommand):
    help = "Build the benchmark's synthetic data set (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="0.1, 1 or 10 (default 1)")
        parser.add_argument("--seed", type=int, default=6, help="random seed (default 6)")
        parser.add_argument(
            "--replace", action="store_true", help="flush existing benchmark data first"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep existing benchmark data made today at the same scale; else replace it",
        )

    def handle(self, *args, scale, seed, replace, reuse, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        foreign = Organization.objects.exclude(slug__startswith="bench-")
        if foreign.exists():
            raise CommandError(
                "bench_data refuses to run: this database holds organizations it did not make. "
                "Point DATABASE_URL at a database for the benchmark."
            )
        marker = data_marker()
        today = timezone.localdate().isoformat()
        if marker is not None:
            if reuse and marker.get("scale") == scale and marker.get("date") == today:
                self.stdout.write(f"Reusing benchmark data: {marker}")
                return
            if not (replace or reuse):
                raise CommandError("Benchmark data exists: use --replace or --reuse.")
        if Organization.objects.exists() or User.objects.exists():
            self.stdout.write("Flushing the old data set...")
            call_command("flush", interactive=False, verbosity=0)

        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
        self.scale = scale
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.first_day = self.today - timedelta(days=DAYS // 2)
        self.timings = {}
        started = clock.perf_counter()
        with transaction.atomic():
            self.step("accounts and organizations", self.organizations_and_people)
            self.step("shifts", self.shifts)
            self.step("sign-ups", self.signups)
            self.step("needs, pledges and receipts", self.needs)
            self.step("donations", self.donations)
            desk = Organization.objects.get(slug=SIGNUP_DESK)
            desk.mission = json.dumps({"scale": scale, "date": today, "seed": seed})
            desk.save(update_fields=["mission"])
        if connection.vendor == "postgresql":
            # Autovacuum would gather statistics and mark the new rows visible to every
            # transaction (so that index-only scans skip the table) soon after a real
            # bulk load; do it now, so that the first queries run as in steady state and
            # no vacuum runs under the load.
            self.step("vacuum analyze", self.vacuum_analyze)
        total = clock.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Benchmark data at scale {scale} ready in {total:.1f} s.")
        )
        self.stdout.write(json.dumps({"generation_seconds": round(total, 1), **self.timings}))

    def vacuum_analyze(self):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def step(self, name, function):
        started = clock.perf_counter()
        counts = function()
        elapsed = clock.perf_counter() - started
        self.timings[name] = round(elapsed, 1)
        detail = ", ".join(f"{n:,} {what}" for what, n in (counts or {}).items())
        self.stdout.write(f"  {name}: {elapsed:.1f} s  {detail}")

    def n(self, base):
        return max(1, round(base * self.scale))

    # Accounts and organizations

    def organizations_and_people(self):
        rng = self.rng
        password = make_password(PASSWORD)
        organizations = []
        for index in range(self.n(200)):
            name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {index:03d}"
            slug = f"bench-org-{index:03d}"
            stripe = index == 0 or rng.random() < 0.6
            organizations.append(
                Organization(
                    name=name,
                    slug=slug,
                    summary=f"{name} serves survivors across the Kansas City metro.",
                    summary_es=f"{name} atiende a sobrevivientes en el área de Kansas City.",
                    mission="Housing, meals, rides and a place to start again. " * 3,
                    mission_es="Vivienda, comidas, transporte y un lugar para empezar. " * 3,
                    address=f"{100 + index} Troost Ave, Kansas City, MO",
                    phone="816-555-0100",
                    email=f"hello@{slug}.{DOMAIN}",
                    website=f"https://{slug}.{DOMAIN}/",
                    legal_name=f"{name}, Inc.",
                    ein=f"00-{index:07d}",
                    # The measured organization is published; about 1 in 20 of the rest is not.
                    is_published=index == 0 or rng.random() > 0.05,
                    stripe_account_id=f"acct_bench{index:05d}" if stripe else "",
                    stripe_charges_enabled=stripe,
                    stripe_details_submitted=stripe,
                )
            )
        desk = Organization(
            name="Benchmark Sign-up Desk",
            slug=SIGNUP_DESK,
            summary="Shifts for the benchmark's sign-up requests.",
            is_published=True,
        )
        Organization.objects.bulk_create([*organizations, desk], batch_size=BATCH)
        self.organizations = organizations
        self.desk = desk
        self.published = [o for o in organizations if o.is_published]

        services = []
        links = []
        for organization in organizations:
            for service in rng.sample(Service.values, rng.randint(1, 4)):
                services.append(OrganizationService(organization=organization, service=service))
            links.append(
                OrganizationLink(
                    organization=organization,
                    kind=OrganizationLink.Kind.WISHLIST,
                    label="Online wishlist",
                    url=f"https://{organization.slug}.{DOMAIN}/wishlist",
                )
            )
            if rng.random() < 0.5:
                links.append(
                    OrganizationLink(
                        organization=organization,
                        kind=OrganizationLink.Kind.DONATION,
                        label="Donate",
                        url=f"https://{organization.slug}.{DOMAIN}/donate",
                        position=1,
                    )
                )
        OrganizationService.objects.bulk_create(services, batch_size=BATCH)
        OrganizationLink.objects.bulk_create(links, batch_size=BATCH)
        DropOff.objects.bulk_create(
            [
                DropOff(
                    organization=organization,
                    place=f"{100 + i} Troost Ave",
                    place_is_public=i % 3 == 0,
                    hours="Mon-Fri 9am-4pm",
                    instructions="Ring the bell at the side door.",
                    shipping_address=f"PO Box {1000 + i}, Kansas City, MO" if i % 2 else "",
                )
                for i, organization in enumerate(organizations)
            ],
            batch_size=BATCH,
        )
        ShiftPolicy.objects.bulk_create(
            [
                ShiftPolicy(organization=organization, cancel_cutoff_hours=rng.choice([6, 12, 24]))
                for organization in organizations
                if rng.random() < 0.5
            ],
            batch_size=BATCH,
        )
        DonationGoal.objects.bulk_create(
            [
                DonationGoal(
                    organization=organization,
                    title="Rent for the safe house",
                    target_cents=rng.choice([100_000, 250_000, 500_000]),
                )
                for i, organization in enumerate(organizations)
                if i == 0 or rng.random() < 0.5
            ],
            batch_size=BATCH,
        )

        def person(email, name=""):
            return User(
                email=email,
                name=name or f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                password=password,
                language="es" if rng.random() < 0.1 else "en",
                phone=f"816-555-{rng.randrange(10000):04d}" if rng.random() < 0.5 else "",
            )

        self.volunteers = [person(f"volunteer{i:06d}@{DOMAIN}") for i in range(self.n(40_000))]
        coordinators = [
            person(f"coordinator{i:03d}@{DOMAIN}") for i in range(1, len(organizations))
        ]
        self.bench_coordinator = person(BENCH_COORDINATOR, "Bench Coordinator")
        self.bench_volunteer = person(BENCH_VOLUNTEER, "Bench Volunteer")
        self.signup_pool = [person(f"bench-signup-{i:03d}@{DOMAIN}") for i in range(SIGNUP_POOL)]
        everyone = [
            *self.volunteers,
            self.bench_coordinator,
            *coordinators,
            self.bench_volunteer,
            *self.signup_pool,
        ]
        User.objects.bulk_create(everyone, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in everyone],
            batch_size=BATCH,
        )
        self.coordinator_of = [self.bench_coordinator, *coordinators]
        Membership.objects.bulk_create(
            [
                Membership(user=user, organization=organization)
                for user, organization in zip(self.coordinator_of, organizations, strict=True)
            ],
            batch_size=BATCH,
        )
        return {"organizations": len(organizations) + 1, "accounts": len(everyone)}

    # Shifts

    def shift(self, organization, day, *, kind=None, title=None, capacity=None, plain=False):
        """A Shift (unsaved) on `day`, starting and ending that day."""
        rng = self.rng
        kind = kind or rng.choices(["meal", "transport", "other"], weights=[50, 20, 30])[0]
        start = _local(day, time(rng.randint(7, 17), rng.choice([0, 30])))
        end = start + timedelta(minutes=rng.choice([60, 90, 120, 120, 180, 240]))
        fields = {"place": rng.choice(PLACES), "kind": kind}
        if kind == "meal":
            role = rng.choice(["serve", "serve", "bring"])
            fields.update(
                meal_role=role,
                meal_servings=rng.choice([20, 40, 60]),
                title=rng.choice(MEAL_TITLES if role == "serve" else BRING_TITLES),
                capacity=rng.randint(6, 20) if role == "serve" else rng.randint(2, 6),
            )
        elif kind == "transport":
            destination = rng.choice(list(RIDE_TITLES))
            fields.update(
                destination=destination,
                title=RIDE_TITLES[destination],
                capacity=rng.randint(1, 3),
                requires_driver=True,
            )
        else:
            fields.update(title=rng.choice(OTHER_TITLES), capacity=rng.randint(4, 25))
        if not plain:
            fields["requires_background_check"] = rng.random() < (
                0.5 if kind == "transport" else 0.05
            )
            fields["requires_orientation"] = rng.random() < 0.05
            if rng.random() < 0.08:
                fields["min_age"] = rng.choice([18, 21])
            if rng.random() < 0.02:
                fields["cancelled_at"] = min(start - timedelta(days=2), self.now)
        if rng.random() < 0.5:
            fields["description"] = "Thank you for helping. Arrive ten minutes early. " * 2
        fields["title"] = title or fields["title"]
        fields["capacity"] = capacity or fields["capacity"]
        return Shift(organization=organization, start=start, end=end, **fields)

    def shifts(self):
        rng = self.rng
        # Some organizations post far more shifts than others.
        weights = [rng.paretovariate(1.5) for _ in self.organizations]
        weights[0] = max(weights[0], sorted(weights)[len(weights) // 2])
        owners = rng.choices(self.organizations, weights=weights, k=self.n(40_000))
        shifts = [
            self.shift(o, self.first_day + timedelta(days=rng.randrange(DAYS))) for o in owners
        ]
        roster_day = self.today + timedelta(days=7)
        self.roster_shift = self.shift(
            self.organizations[0],
            roster_day,
            kind="other",
            title=ROSTER_TITLE,
            capacity=20,
            plain=True,
        )
        self.signup_shifts = [
            self.shift(
                self.desk,
                self.first_day + timedelta(days=DAYS + 7 + i),
                kind="other",
                title=SIGNUP_TITLE,
                capacity=500,
                plain=True,
            )
            for i in range(SIGNUP_SHIFTS)
        ]
        Shift.objects.bulk_create(
            [*shifts, self.roster_shift, *self.signup_shifts], batch_size=BATCH
        )
        TransportDetails.objects.bulk_create(
            [
                TransportDetails(shift=s, pickup_point="Library entrance", ask_for="Front desk")
                for s in shifts
                if s.kind == "transport"
            ],
            batch_size=BATCH,
        )
        self.random_shifts = shifts
        return {"shifts": len(shifts) + 1 + SIGNUP_SHIFTS}

    # Sign-ups

    def signups(self):
        rng = self.rng
        by_day = [[] for _ in range(DAYS)]
        for shift in self.random_shifts:
            by_day[(timezone.localdate(shift.start) - self.first_day).days].append(shift)
        # A volunteer picks shifts in proportion to their places, so that rides for one
        # are not swamped; at most one shift a day, so that no two of them overlap.
        cumulative = [list(accumulate(s.capacity for s in day)) for day in by_day]
        days_with_shifts = [d for d in range(DAYS) if by_day[d]]

        def pick(day):
            weights = cumulative[day]
            return by_day[day][bisect_right(weights, rng.random() * weights[-1])]

        queue = {}  # shift -> [(volunteer, queued_at)] in the order they signed up
        roster_day = (timezone.localdate(self.roster_shift.start) - self.first_day).days
        roster_people = self.volunteers[: ROSTER_CONFIRMED + ROSTER_WAITLISTED]
        for index, volunteer in enumerate(self.volunteers):
            count = min(rng.randint(1, 19), len(days_with_shifts))
            days = rng.sample(days_with_shifts, count)
            if index < len(roster_people) and roster_day in days:
                days.remove(roster_day)
            for day in days:
                shift = pick(day)
                queued = shift.start - timedelta(days=rng.uniform(0.5, 30))
                queue.setdefault(shift, []).append((volunteer, queued))

        # The volunteer with 200 sign-ups: shifts without requirements, one a day, first
        # in the queue so that each place is confirmed.
        past = [d for d in days_with_shifts if self.first_day + timedelta(days=d) < self.today]
        upcoming = [d for d in days_with_shifts if self.first_day + timedelta(days=d) > self.today]
        chosen = rng.sample(past, MY_SHIFTS_PAST) + rng.sample(upcoming, MY_SHIFTS_UPCOMING)
        for day in chosen:
            plain = (
                [s for s in by_day[day] if not s.has_requirements and s.cancelled_at is None]
                or [s for s in by_day[day] if s.cancelled_at is None]
                or by_day[day]
            )
            shift = rng.choice(plain)
            queue.setdefault(shift, []).insert(
                0, (self.bench_volunteer, shift.start - timedelta(days=60))
            )

        rows = []
        verifications = {}
        for shift, people in queue.items():
            people.sort(key=lambda pair: pair[1])
            confirmed = 0
            past_shift = shift.end <= self.now
            required = shift.required_verifications()
            for volunteer, queued in people:
                # Some people cancelled; the measured volunteer keeps all 200 places.
                cancelled = volunteer is not self.bench_volunteer and rng.random() < 0.05
                status = SignUp.Status.CANCELLED if cancelled else None
                if status is None:
                    if confirmed < shift.capacity:
                        status = SignUp.Status.CONFIRMED
                        confirmed += 1
                    else:
                        status = SignUp.Status.WAITLISTED
                    for kind in required:
                        verifications[(volunteer.pk, shift.organization_id, kind)] = shift
                signup = SignUp(
                    shift=shift,
                    volunteer=volunteer,
                    status=status,
                    queued_at=queued,
                    language=volunteer.language,
                )
                if status == SignUp.Status.CANCELLED:
                    signup.cancelled_at = queued + timedelta(hours=1)
                elif status == SignUp.Status.CONFIRMED and past_shift:
                    signup.reminded_for = shift.start
                    signup.attendance = rng.choices(
                        ["attended", "no_show", ""], weights=[80, 5, 15]
                    )[0]
                rows.append(signup)

        # The roster a coordinator opens: 20 confirmed, 5 waiting, 2 guests to confirm.
        roster = self.roster_shift
        for i, volunteer in enumerate(roster_people):
            rows.append(
                SignUp(
                    shift=roster,
                    volunteer=volunteer,
                    status=SignUp.Status.CONFIRMED
                    if i < ROSTER_CONFIRMED
                    else SignUp.Status.WAITLISTED,
                    queued_at=self.now - timedelta(hours=len(roster_people) - i),
                    bringing="",
                    language=volunteer.language,
                )
            )
        for i in range(ROSTER_GUESTS):
            rows.append(
                SignUp(
                    shift=roster,
                    guest_name=f"Guest {i}",
                    guest_email=f"guest{i}@{DOMAIN}",
                    status=SignUp.Status.PENDING,
                    queued_at=self.now,
                )
            )
        SignUp.objects.bulk_create(rows, batch_size=BATCH)
        expires = self.today + timedelta(days=365)
        coordinator = {
            o.pk: u for o, u in zip(self.organizations, self.coordinator_of, strict=True)
        }
        Verification.objects.bulk_create(
            [
                Verification(
                    volunteer_id=volunteer_id,
                    organization_id=organization_id,
                    kind=kind,
                    expires_on=expires,
                    granted_by=coordinator[organization_id],
                )
                for volunteer_id, organization_id, kind in verifications
            ],
            batch_size=BATCH,
        )
        return {"sign-ups": len(rows), "verifications": len(verifications)}

    # Needs, pledges, receipts

    def needs(self):
        rng = self.rng
        weights = [rng.paretovariate(1.5) for _ in self.organizations]
        owners = rng.choices(self.organizations, weights=weights, k=self.n(20_000))
        donors = self.volunteers
        needs = []
        plans = []  # per need: [(status, quantity, delivered, donor)]
        for organization in owners:
            status = rng.choices(
                [Need.Status.OPEN, Need.Status.PAUSED, Need.Status.FULFILLED, Need.Status.ARCHIVED],
                weights=[70, 10, 15, 5],
            )[0]
            pledges = []
            for _ in range(rng.randint(0, 20)):
                quantity = rng.randint(1, 10)
                pledge_status = rng.choices(
                    ["confirmed", "delivered", "cancelled", "released", "pending"],
                    weights=[45, 25, 10, 5, 15],
                )[0]
                if status == Need.Status.FULFILLED and pledge_status in ("confirmed", "pending"):
                    pledge_status = "delivered"
                delivered = 0
                if pledge_status == "delivered":
                    delivered = quantity
                elif pledge_status == "confirmed" and quantity > 1 and rng.random() < 0.2:
                    delivered = rng.randint(1, quantity - 1)
                donor = (
                    None if pledge_status == "pending" or rng.random() < 0.4 else rng.choice(donors)
                )
                pledges.append((pledge_status, quantity, delivered, donor))
            pledged = sum(q - d for s, q, d, _ in pledges if s == "confirmed")
            received = sum(d for _, _, d, _ in pledges)
            walk_in = 0
            if status == Need.Status.FULFILLED:
                if received == 0:
                    walk_in = rng.randint(5, 50)
                needed = received + walk_in
            else:
                needed = received + pledged + rng.randint(1, 40)
            item, category = rng.choice(ITEMS)
            needs.append(
                Need(
                    organization=organization,
                    title=item,
                    description="New, unopened items please." if rng.random() < 0.5 else "",
                    category=category,
                    priority=rng.choices(Priority.values, weights=[10, 25, 65])[0],
                    unit="packs" if rng.random() < 0.3 else "",
                    quantity_needed=needed,
                    quantity_pledged=pledged,
                    quantity_received=received + walk_in,
                    needed_by=self.today + timedelta(days=rng.randint(1, 90))
                    if rng.random() < 0.5
                    else None,
                    status=status,
                )
            )
            plans.append((pledges, walk_in))
        Need.objects.bulk_create(needs, batch_size=BATCH)

        pledges = []
        walk_ins = []
        for need, (planned, walk_in) in zip(needs, plans, strict=True):
            for status, quantity, delivered, donor in planned:
                created = self.now - timedelta(days=rng.uniform(0, 120))
                closed = status in ("delivered", "cancelled", "released")
                pledges.append(
                    Pledge(
                        need=need,
                        donor=donor,
                        name="" if donor else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        email="" if donor else f"guest{rng.randrange(10**6)}@{DOMAIN}",
                        quantity=quantity,
                        delivered=delivered,
                        method=rng.choice(Pledge.Method.values),
                        expected_on=self.today + timedelta(days=rng.randint(-60, 60)),
                        status=status,
                        confirmed_at=None if status == "pending" else created,
                        closed_at=created + timedelta(days=5) if closed else None,
                    )
                )
            if walk_in:
                walk_ins.append(Receipt(need=need, quantity=walk_in, note="Walk-in"))
        Pledge.objects.bulk_create(pledges, batch_size=BATCH)
        receipts = [
            Receipt(need_id=p.need_id, pledge=p, quantity=p.delivered)
            for p in pledges
            if p.delivered
        ]
        Receipt.objects.bulk_create([*receipts, *walk_ins], batch_size=BATCH)
        return {
            "needs": len(needs),
            "pledges": len(pledges),
            "receipts": len(receipts) + len(walk_ins),
        }

    # Donations

    def donations(self):
        rng = self.rng
        takers = [o for o in self.organizations if o.stripe_charges_enabled]
        weights = [rng.paretovariate(1.5) for _ in takers]
        owners = rng.choices(takers, weights=weights, k=self.n(100_000))
        statuses = [
            Donation.Status.SUCCEEDED,
            Donation.Status.PARTIALLY_REFUNDED,
            Donation.Status.REFUNDED,
            Donation.Status.EXPIRED,
            Donation.Status.FAILED,
            Donation.Status.PENDING,
        ]
        rows = []
        for index, organization in enumerate(owners):
            status = rng.choices(statuses, weights=[85, 3, 2, 5, 3, 2])[0]
            amount = rng.choice([1000, 2500, 5000, 10000, 25000]) + rng.randrange(100) * 100
            fee = round(amount * 0.029) + 30 if rng.random() < 0.4 else 0
            refunded = 0
            if status == Donation.Status.PARTIALLY_REFUNDED:
                refunded = amount // 2
            elif status == Donation.Status.REFUNDED:
                refunded = amount + fee
            paid = status in statuses[:3]
            donor = rng.choice(self.volunteers) if rng.random() < 0.3 else None
            rows.append(
                Donation(
                    public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    idempotency_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    organization=organization,
                    donor=donor,
                    donor_name=donor.name if donor else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    donor_email=donor.email if donor else f"giver{index}@{DOMAIN}",
                    is_anonymous=rng.random() < 0.1,
                    amount_cents=amount,
                    fee_cents=fee,
                    refunded_cents=refunded,
                    status=status,
                    checkout_session_id=f"cs_bench_{index}",
                    payment_intent_id=f"pi_bench_{index}" if paid else "",
                    paid_at=self.now - timedelta(days=rng.uniform(0, 365)) if paid else None,
                    receipt_sent_at=self.now if paid else None,
                )
            )
        Donation.objects.bulk_create(rows, batch_size=BATCH)
        return {"donations": len(rows)}


# Imported by bench/prepare.py so that both sides agree on the names.
__all__ = [
    "BENCH_COORDINATOR",
    "BENCH_ORG",
    "BENCH_VOLUNTEER",
    "PASSWORD",
    "ROSTER_TITLE",
    "SIGNUP_DESK",
    "SIGNUP_TITLE",
    "data_marker",
]
