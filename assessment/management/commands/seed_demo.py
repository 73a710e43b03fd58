"""Demo data: four rounds (2025 and 2026 on instrument 2026.1 and a 2027 pilot on 2027.1, all
closed and published by `publish_due_rounds`, and the open 2027 round on 2027.1 for answering),
about forty kommuner of every size with synthetic answers, org units, and one user for each
role."""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import InstrumentVersion, Participation, ResponseSource, Round
from assessment.selectors import get_instrument_spec
from assessment.synthetic import synthetic_rows
from assessment.tokens import open_link_token
from municipalities.models import Municipality, Sector, SizeClass
from municipalities.services import create_org_unit, grant_role

PASSWORD = "demo-innovasjon-2026"
CURRENT, PREVIOUS = "innovasjonsradar-2026", "innovasjonsradar-2025"
OPEN = "innovasjonsradar-2027"
PILOT = "innovasjonsradar-2027-pilot"  # closed, on instrument 2027.1, so its report is published
HEADCOUNTS = {
    (None, "toppleder"): 8,
    (None, "mellomleder"): 25,
    (None, "forstelinjeleder"): 30,
    (None, "medarbeider"): 300,
    (None, "tillitsvalgt"): 20,
    (None, "stab"): 30,
}
HOME_NUMBER = "4640"  # Sogndal: a nynorsk kommune in the 5 000–19 999 class
OTHER_NUMBER = "1506"  # Molde
UNITS = [
    ("helse_omsorg", "Hjemmetenesta"),
    ("helse_omsorg", "Sogndal omsorgssenter"),
    ("helse_omsorg", "Legekontoret"),
    ("oppvekst", "Sogndal skule"),
    ("oppvekst", "Kaupanger skule"),
    ("oppvekst", "Barnehagane"),
    ("teknisk", "Teknisk drift"),
    ("nav_sosial", "NAV Sogndal"),
    ("administrasjon", "Rådhuset"),
    ("kultur", "Kulturhuset"),
]


class Command(BaseCommand):
    help = "Lager demodata: runder, kommuner med svar, enheter og brukere for hver rolle."

    def handle(self, *args, **options):
        versions = {
            v.version: v
            for v in InstrumentVersion.objects.filter(
                version__in=["2026.1", "2027.1"], published_at__isnull=False
            )
        }
        if Municipality.objects.count() < 357 or len(versions) < 2:
            raise CommandError("Kjør load_municipalities og load_instrument --publish først.")
        if not Round.objects.filter(slug=CURRENT).exists():
            self._seed(versions["2026.1"], versions["2027.1"])
        if options["verbosity"] > 0:
            self._print_logins()

    @transaction.atomic
    def _seed(self, version: InstrumentVersion, version_2027: InstrumentVersion):
        rng = random.Random(2026)
        today = timezone.localdate()
        spec = get_instrument_spec(version)
        spec_2027 = get_instrument_spec(version_2027)
        chosen = self._choose_municipalities(rng)
        previous = services.create_round(
            slug=PREVIOUS,
            name="Innovasjonsradar 2025",
            opens_on=today - timedelta(days=400),
            closes_on=today - timedelta(days=370),
            instrument=version,
            municipality_numbers=[m.number for m in chosen[:30]],
        )
        current = services.create_round(
            slug=CURRENT,
            name="Innovasjonsradar 2026",
            opens_on=today - timedelta(days=60),
            closes_on=today - timedelta(days=3),
            instrument=version,
            municipality_numbers=[m.number for m in chosen],
        )
        open_round = services.create_round(
            slug=OPEN,
            name="Innovasjonsradar 2027",
            opens_on=today - timedelta(days=7),
            closes_on=today + timedelta(days=30),
            instrument=version_2027,
            municipality_numbers=[HOME_NUMBER, OTHER_NUMBER],
        )
        pilot_members = chosen[:14]
        pilot = services.create_round(
            slug=PILOT,
            name="Innovasjonsradar 2027, pilot",
            opens_on=today - timedelta(days=20),
            closes_on=today - timedelta(days=2),
            instrument=version_2027,
            municipality_numbers=[m.number for m in pilot_members],
        )
        home = Municipality.objects.get(number=HOME_NUMBER)
        sectors = {s.code: s for s in Sector.objects.all()}
        units = [
            create_org_unit(municipality=home, sector=sectors[code], name=name)
            for code, name in UNITS
        ]
        create_org_unit(
            municipality=home, sector=sectors["helse_omsorg"], name="Nattpatruljen", parent=units[0]
        )
        units_by_sector = {}
        for unit in home.units.all():
            units_by_sector.setdefault(unit.sector_id, []).append(unit.pk)
        levels = {m.pk: rng.gauss(3.15, 0.3) for m in chosen}
        for round_, members, drift in ((previous, chosen[:30], -0.15), (current, chosen, 0.0)):
            rows = []
            for m in members:
                size = {"under_5000": 25, "5000_19999": 45, "20000_49999": 70, "50000_plus": 110}[
                    m.size_class
                ]
                count = 180 if m.number == HOME_NUMBER else max(3, int(rng.gauss(size, size / 4)))
                rows += synthetic_rows(
                    spec=spec,
                    municipality_id=m.pk,
                    count=count,
                    rng=rng,
                    units_by_sector=units_by_sector if m.pk == home.pk else None,
                    level=levels[m.pk] + drift,
                )
            services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
        rows = []
        for m in pilot_members:
            rows += synthetic_rows(
                spec=spec_2027,
                municipality_id=m.pk,
                count=150 if m.number == HOME_NUMBER else max(8, int(rng.gauss(40, 10))),
                rng=rng,
                units_by_sector=units_by_sector if m.pk == home.pk else None,
                level=levels[m.pk] + 0.05,
            )
        services.record_responses(round_=pilot, rows=rows, source=ResponseSource.IMPORT)
        for participation in Participation.objects.filter(
            round__in=[current, pilot], municipality__number__in=[HOME_NUMBER, OTHER_NUMBER]
        ):
            participation.named_in_comparisons = True
            participation.save(update_fields=["named_in_comparisons"])
        for round_ in (current, pilot):
            services.set_headcounts(
                participation=round_.participations.get(municipality=home), counts=HEADCOUNTS
            )
        # The open round: links to answer with, and some answers so far (only counts show).
        participation = open_round.participations.get(municipality=home)
        services.set_headcounts(participation=participation, counts=HEADCOUNTS)
        services.invite_by_email(
            participation=participation, emails=[f"tilsett{i}@sogndal.example" for i in range(1, 6)]
        )
        self.open_link = services.create_open_link(participation=participation)
        services.record_responses(
            round_=open_round,
            rows=synthetic_rows(
                spec=spec_2027,
                municipality_id=home.pk,
                count=40,
                rng=rng,
                units_by_sector=units_by_sector,
                level=levels[home.pk],
            ),
            source=ResponseSource.IMPORT,
        )
        User = get_user_model()
        admin = User.objects.filter(username="admin").first() or User(
            username="admin", is_staff=True, is_superuser=True
        )
        admin.set_password(PASSWORD)
        admin.save()
        for username, role, kwargs in (
            ("ks", "ks_analyst", {}),
            ("koordinator", "coordinator", {"municipality_number": HOME_NUMBER}),
            ("koordinator-molde", "coordinator", {"municipality_number": OTHER_NUMBER}),
            ("enhetsleder", "unit_leader", {"unit_id": units[0].pk}),
            ("tillitsvalgt", "tillitsvalgt", {"municipality_number": HOME_NUMBER}),
        ):
            membership = grant_role(username=username, role=role, **kwargs)
            membership.user.set_password(PASSWORD)
            membership.user.save()

    def _choose_municipalities(self, rng):
        picked = []
        for size_class in SizeClass.values:
            candidates = list(Municipality.objects.filter(size_class=size_class).order_by("number"))
            picked += rng.sample(candidates, 10)
        for number in (HOME_NUMBER, OTHER_NUMBER):
            m = Municipality.objects.get(number=number)
            if m not in picked:
                picked.insert(0, m)
        picked.sort(key=lambda m: (m.number not in (HOME_NUMBER, OTHER_NUMBER), m.number))
        return picked

    def _print_logins(self):
        current = Round.objects.filter(slug=OPEN).first()
        link = (
            current.participations.get(municipality__number=HOME_NUMBER).open_links.first()
            if current
            else None
        )
        url = settings.SITE_URL
        self.stdout.write(f"\nDemo-innlogginger (passord for alle: {PASSWORD}):")
        self.stdout.write("  ks                 KS-analytiker (alle kommuner, sammenligning)")
        self.stdout.write("  koordinator        koordinator for Sogndal (4640)")
        self.stdout.write("  koordinator-molde  koordinator for Molde (1506)")
        self.stdout.write("  enhetsleder        leder for Hjemmetenesta i Sogndal")
        self.stdout.write("  tillitsvalgt       tillitsvalgt i Sogndal (rapport, tiltaksplaner)")
        self.stdout.write("  admin              superbruker (/admin/)")
        self.stdout.write(f"\nLogg inn: {url}/konto/logg-inn/")
        if link:
            self.stdout.write(
                f"Svar på undersøkelsen (åpen lenke for Sogndal): "
                f"{url}{reverse('assessment:open_link', args=[open_link_token(link.salt)])}"
            )
        self.stdout.write(self._mail_summary(current))
        # The same counts as the comparison page: 40 kommuner drawn, ten per size class, plus
        # Sogndal and Molde where the draw missed them (it drew Molde, so 2026 has 41).
        for round_ in Round.objects.annotate(
            kommuner=Count("participations", distinct=True),
            svar=Count("responses", distinct=True),
        ).order_by("opens_on"):
            self.stdout.write(f"{round_.name}: {round_.kommuner} kommuner, {round_.svar} svar.")

    def _mail_summary(self, open_round) -> str:
        """Where the demo's invitation e-mails went, in one line (not the messages themselves)."""
        sent = (
            open_round.participations.get(municipality__number=HOME_NUMBER).invitations.count()
            if open_round
            else 0
        )
        backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        where = {
            "filebased": f"skrevet som filer til {settings.EMAIL_FILE_PATH}/",
            "console": "skrevet ut i terminalen",
            "locmem": "lagt i minnet (tester)",
        }.get(backend, f"sendt via {settings.EMAIL_HOST}:{settings.EMAIL_PORT}")
        return f"{sent} invitasjoner på e-post til Sogndal i 2027-runden: {where}."
