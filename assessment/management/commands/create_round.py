from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessment.services import create_round


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"«{value}» er ikke en dato på formen ÅÅÅÅ-MM-DD.") from exc


class Command(BaseCommand):
    help = "Oppretter en runde med siste publiserte versjon av spørreskjemaet."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--opens")
        parser.add_argument("--closes")
        parser.add_argument("--municipalities", help="all eller kommunenummer skilt med komma")
        parser.add_argument("--min-group-size", type=int)
        parser.add_argument("--folkevalgte", action="store_true")

    def handle(
        self, *args, slug, name, opens, closes, municipalities, min_group_size, folkevalgte, **o
    ):
        opens_on = _date(opens) if opens else timezone.localdate()
        closes_on = _date(closes) if closes else opens_on + timedelta(days=28)
        numbers = None
        if municipalities:
            numbers = (
                ["all"]
                if municipalities == "all"
                else [n.strip() for n in municipalities.split(",")]
            )
        try:
            round_ = create_round(
                slug=slug,
                name=name,
                opens_on=opens_on,
                closes_on=closes_on,
                min_group_size=min_group_size,
                include_folkevalgte=folkevalgte,
                municipality_numbers=numbers,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Runde «{round_.name}» ({round_.slug}) opprettet: {round_.opens_on}–{round_.closes_on}, "
            f"{round_.participations.count()} kommuner."
        )
