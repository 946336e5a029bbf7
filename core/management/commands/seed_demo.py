"""Demo data: the coalition's seven organizations and a login for each persona.

Idempotent: running it again updates the same rows instead of adding more.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.lib.hooks import app_hooks
from core.models import Membership, Organization, OrganizationLink, OrganizationService, User

DEMO_PASSWORD = "hearth-demo"  # noqa: S105 - published demo password, refused outside DEBUG

# Facts as the local reporting states them; links use reserved .example
# domains because the organizations' real addresses are not part of those facts.
ORGANIZATIONS = [
    {
        "slug": "veronicas-voice",
        "name": "Veronica's Voice",
        "summary": "A safe space for women leaving prostitution, and the survivors' home "
        "Magdalene KC.",
        "summary_es": "Un espacio seguro para mujeres que dejan la prostitución, y el hogar "
        "para sobrevivientes Magdalene KC.",
        "mission": "Veronica's Voice offers a safe space for women leaving prostitution. In "
        "2016 it opened a survivors' home, Magdalene KC, and it keeps an online wishlist of "
        "the items survivors need.",
        "mission_es": "Veronica's Voice ofrece un espacio seguro a mujeres que dejan la "
        "prostitución. En 2016 abrió un hogar para sobrevivientes, Magdalene KC, y mantiene "
        "una lista de deseos en línea con lo que las sobrevivientes necesitan.",
        "phone": "913-214-1401",
        "services": ["housing", "counseling"],
        "links": [
            (
                "wishlist",
                "Online wishlist for Magdalene KC",
                "Lista de deseos en línea de Magdalene KC",
            )
        ],
    },
    {
        "slug": "justice-project-kc",
        "name": "Justice Project KC",
        "summary": "Helps women in poverty overcome homelessness, sexual exploitation, mental "
        "illness and domestic violence.",
        "summary_es": "Ayuda a mujeres en pobreza a superar la falta de vivienda, la explotación "
        "sexual, las enfermedades mentales y la violencia doméstica.",
        "mission": "Justice Project KC helps women in poverty overcome homelessness, sexual "
        "exploitation, mental illness and domestic violence. With St. James Parish it offers "
        "women a free meal and legal resources in the Willow Tree Room.",
        "mission_es": "Justice Project KC ayuda a mujeres en pobreza a superar la falta de "
        "vivienda, la explotación sexual, las enfermedades mentales y la violencia doméstica. "
        "Con la parroquia St. James ofrece a las mujeres una comida gratuita y recursos "
        "legales en el Willow Tree Room.",
        "address": "Willow Tree Room, 3936 Troost, Kansas City, MO",
        "services": ["meals", "legal"],
        "links": [("donation", "Donate to Justice Project KC", "Donar a Justice Project KC")],
    },
    {
        "slug": "rended-heart",
        "name": "Rended Heart",
        "summary": "Immediate, short-term care: a 30-day program with therapy and housing.",
        "summary_es": "Atención inmediata y a corto plazo: un programa de 30 días con terapia "
        "y vivienda.",
        "mission": "Rended Heart gives immediate, short-term care through a 30-day program with "
        "therapy and housing. It helps survivors replace lost IDs, reach medical and dental "
        "care, apply for jobs, get transport and attend court.",
        "mission_es": "Rended Heart brinda atención inmediata y a corto plazo con un programa "
        "de 30 días con terapia y vivienda. Ayuda a las sobrevivientes a reponer documentos "
        "de identidad, recibir atención médica y dental, buscar empleo, tener transporte y "
        "asistir a la corte.",
        "services": ["housing", "counseling", "transport", "ids", "health", "employment"],
        "links": [
            ("donation", "Donate to Rended Heart", "Donar a Rended Heart"),
            ("wishlist", "Rended Heart wishlist", "Lista de deseos de Rended Heart"),
        ],
    },
    {
        "slug": "restoration-house-kc",
        "name": "Restoration House KC",
        "summary": "Long-term housing on a farm outside Kansas City, with therapy programs.",
        "summary_es": "Vivienda a largo plazo en una granja fuera de Kansas City, con "
        "programas de terapia.",
        "mission": "Restoration House KC is building long-term housing on a farm about 30 "
        "miles outside Kansas City, with therapy programs, including one for minors.",
        "mission_es": "Restoration House KC construye vivienda a largo plazo en una granja a "
        "unas 30 millas de Kansas City, con programas de terapia, incluido uno para menores.",
        "phone": "816-793-0500",
        "services": ["housing", "counseling", "family"],
        "links": [("donation", "Donate to Restoration House KC", "Donar a Restoration House KC")],
    },
    {
        "slug": "relentless-pursuit",
        "name": "Relentless Pursuit",
        "summary": "A drop-in center on Independence Avenue with health, housing and "
        "employment resources.",
        "summary_es": "Un centro de atención sin cita en Independence Avenue con recursos de "
        "salud, vivienda y empleo.",
        "mission": "Founded in 2019, Relentless Pursuit runs a drop-in center on Independence "
        "Avenue offering health, housing and employment resources. In a year and a half it "
        "served over 420 women in about 7,000 visits, and up to 45 in one day.",
        "mission_es": "Fundada en 2019, Relentless Pursuit tiene un centro sin cita en "
        "Independence Avenue con recursos de salud, vivienda y empleo. En año y medio atendió "
        "a más de 420 mujeres en unas 7,000 visitas, y hasta 45 en un solo día.",
        "address": "Independence Avenue, Kansas City, MO",
        "services": ["drop_in", "health", "housing", "employment"],
        "links": [
            (
                "wishlist",
                "Drop-in center wishlist",
                "Lista de deseos del centro de atención sin cita",
            )
        ],
    },
    {
        "slug": "cornerstones-of-care",
        "name": "Cornerstones of Care",
        "summary": "Family support: education, counseling, substance abuse treatment, foster "
        "care and family therapy.",
        "summary_es": "Apoyo familiar: educación, consejería, tratamiento de adicciones, "
        "cuidado de crianza y terapia familiar.",
        "mission": "Cornerstones of Care supports families through education, counseling, "
        "substance abuse treatment, foster care and family therapy, and teaches community "
        "classes on spotting victims of trafficking and abuse.",
        "mission_es": "Cornerstones of Care apoya a las familias con educación, consejería, "
        "tratamiento de adicciones, cuidado de crianza y terapia familiar, y ofrece clases "
        "comunitarias para reconocer a víctimas de trata y abuso.",
        "services": ["family", "counseling", "education"],
        "links": [("donation", "Donate to Cornerstones of Care", "Donar a Cornerstones of Care")],
    },
    {
        "slug": "willow-domestic-violence-center",
        "name": "Willow Domestic Violence Center",
        "summary": "Help and shelter for people experiencing domestic violence.",
        "summary_es": "Ayuda y refugio para personas que sufren violencia doméstica.",
        "mission": "",
        "phone": "800-770-3030",
        "services": ["crisis", "housing", "counseling"],
        "links": [("donation", "Donate to Willow", "Donar a Willow")],
    },
]


class Command(BaseCommand):
    help = "Create the demo organizations and logins (only with DEBUG on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: it creates known logins.")
        with transaction.atomic():
            organizations = [self.organization(facts) for facts in ORGANIZATIONS]
            logins = self.people(organizations)
            # Each app adds its own sample data (shifts, needs, donations) through
            # an optional AppConfig.seed_demo(organizations, stdout).
            for seed_demo in app_hooks("seed_demo"):
                seed_demo(organizations=organizations, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(organizations)} organizations.")
        )
        self.stdout.write(f"Logins (password: {DEMO_PASSWORD}):")
        for email, what in logins:
            self.stdout.write(f"  {email:<48} {what}")

    def organization(self, facts):
        facts = dict(facts)
        services = facts.pop("services")
        links = facts.pop("links")
        slug = facts.pop("slug")
        organization, _ = Organization.objects.update_or_create(
            slug=slug,
            defaults={
                **facts,
                "legal_name": facts["name"],
                "email": f"hello@{slug}.example",
                "website": f"https://{slug}.example/",
                "is_published": True,
            },
        )
        OrganizationService.objects.filter(organization=organization).exclude(
            service__in=services
        ).delete()
        for service in services:
            OrganizationService.objects.get_or_create(organization=organization, service=service)
        organization.links.all().delete()
        organization.links.bulk_create(
            OrganizationLink(
                organization=organization,
                kind=kind,
                label=label,
                label_es=label_es,
                url=f"https://{slug}.example/{kind}",
                position=position,
            )
            for position, (kind, label, label_es) in enumerate(links)
        )
        return organization

    def user(self, email, name, **extra):
        user, created = User.objects.get_or_create(email=email, defaults={"name": name, **extra})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def people(self, organizations):
        logins = []
        for organization in organizations:
            email = f"coordinator@{organization.slug}.demo"
            user = self.user(email, f"{organization.name} Coordinator")
            Membership.objects.get_or_create(
                user=user,
                organization=organization,
                defaults={"role": Membership.Role.COORDINATOR},
            )
            logins.append((email, f"coordinator of {organization.name}"))
        self.user("volunteer@hearth.demo", "Val Volunteer", phone="816-555-0100")
        logins.append(
            (
                "volunteer@hearth.demo",
                "volunteer (background check and driver verified at Rended Heart)",
            )
        )
        self.user("newcomer@hearth.demo", "Nico Newcomer")
        logins.append(("newcomer@hearth.demo", "new volunteer, no verifications"))
        self.user("donor@hearth.demo", "Dana Donor")
        logins.append(("donor@hearth.demo", "donor"))
        self.user("admin@hearth.demo", "Site Admin", is_staff=True, is_superuser=True)
        logins.append(("admin@hearth.demo", "site staff (Django admin at /admin/)"))
        return logins
