import random
import time

from django.core.management.base import BaseCommand, CommandError

from assessment.bulk import store_responses
from assessment.models import Participation, ResponseSource, Round
from assessment.selectors import get_instrument_spec
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality

CHUNK = 20000


class Command(BaseCommand):
    help = (
        "Lager realistiske syntetiske svar (kommune- og gruppeeffekter, støy, «vet ikke») i bulk. "
        "Kommuner som ikke deltar ennå, meldes på runden."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="slug")
        parser.add_argument("--municipalities", default="all", help="all eller et antall kommuner")
        parser.add_argument("--per-municipality", type=int, required=True)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, slug, municipalities, per_municipality, seed, **options):
        round_ = Round.objects.select_related("instrument").filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"Fant ingen runde med kortnavnet «{slug}».")
        if per_municipality < 1:
            raise CommandError("--per-municipality må være minst 1.")
        chosen = self._municipalities(round_, municipalities)
        spec = get_instrument_spec(round_.instrument)
        rng = random.Random(seed)
        started, total, batch = time.monotonic(), 0, []
        for municipality in chosen:
            units = {}
            for unit_id, sector in municipality.units.values_list("pk", "sector_id"):
                units.setdefault(sector, []).append(unit_id)
            batch += synthetic_rows(
                spec=spec,
                municipality_id=municipality.pk,
                count=per_municipality,
                rng=rng,
                units_by_sector=units,
            )
            if len(batch) >= CHUNK:
                total += store_responses(round_=round_, rows=batch, source=ResponseSource.IMPORT)
                batch = []
        if batch:
            total += store_responses(round_=round_, rows=batch, source=ResponseSource.IMPORT)
        seconds = time.monotonic() - started
        self.stdout.write(f"{total} svar laget for {len(chosen)} kommuner på {seconds:.1f} s.")

    def _municipalities(self, round_, value):
        all_municipalities = list(Municipality.objects.order_by("number"))
        if value == "all":
            wanted = all_municipalities
        else:
            try:
                count = int(value)
            except ValueError as exc:
                raise CommandError("--municipalities må være «all» eller et tall.") from exc
            participating = set(round_.participations.values_list("municipality_id", flat=True))
            wanted = sorted(
                all_municipalities, key=lambda m: (m.pk not in participating, m.number)
            )[:count]
        existing = set(round_.participations.values_list("municipality_id", flat=True))
        Participation.objects.bulk_create(
            Participation(round=round_, municipality=m) for m in wanted if m.pk not in existing
        )
        return wanted
