from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from municipalities.models import OrgUnit, Sector, StaffGroup, localized
from municipalities.validators import one_line, plain_text

from .models import InstrumentVersion, TenureBand

LIKERT_CHOICES = [
    ("1", _("Helt uenig")),
    ("2", _("Uenig")),
    ("3", _("Verken enig eller uenig")),
    ("4", _("Enig")),
    ("5", _("Helt enig")),
    ("x", _("Vet ikke / ikke relevant")),
]
# From instrument 2027.1 «vet ikke» and «ikke relevant» are two options (both missing for scoring):
# "nobody told me" is itself a finding, "does not apply to me" is not.
LIKERT_SPLIT_CHOICES = LIKERT_CHOICES[:5] + [
    ("x", _("Vet ikke")),
    ("na", _("Ikke relevant")),
]


class BackgroundForm(forms.Form):
    staff_group = forms.ChoiceField(
        label=_("Hvilken gruppe hører du til?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvilken gruppe du hører til.")},
    )
    sector = forms.ChoiceField(
        label=_("Hvilken sektor jobber du i?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvilken sektor du jobber i.")},
    )
    unit = forms.ChoiceField(label=_("Hvilken enhet jobber du i? (valgfritt)"), required=False)
    tenure = forms.ChoiceField(
        label=_("Hvor lenge har du jobbet i kommunen? (valgfritt)"),
        widget=forms.RadioSelect,
        required=False,
        choices=TenureBand.choices,
    )

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        groups = StaffGroup.objects.all()
        if not participation.round.include_folkevalgte:
            groups = groups.filter(is_optional=False)
        self.fields["staff_group"].choices = [(g.code, localized(g.name)) for g in groups]
        self.fields["sector"].choices = [(s.code, localized(s.name)) for s in Sector.objects.all()]
        self.units = {
            str(u.pk): u
            for u in OrgUnit.objects.filter(
                municipality_id=participation.municipality_id
            ).select_related("sector")
        }
        self.fields["unit"].choices = [("", _("— Vil ikke oppgi / finner den ikke —"))] + [
            (pk, f"{localized(u.sector.name)}: {u.name}") for pk, u in self.units.items()
        ]

    def clean(self):
        data = super().clean()
        unit = self.units.get(data.get("unit") or "")
        if unit is not None and data.get("sector") and unit.sector_id != data["sector"]:
            self.add_error(
                "unit", ValidationError(_("Enheten du valgte hører til en annen sektor."))
            )
        return data

    def to_draft(self) -> dict:
        data = self.cleaned_data
        return {
            "staff_group": data["staff_group"],
            "sector": data["sector"],
            "unit": int(data["unit"]) if data.get("unit") else None,
            "tenure": data.get("tenure") or "",
        }


class StatementsForm(forms.Form):
    """One page of statements: each a row of five options plus «vet ikke», all optional."""

    def __init__(self, *args, items, language, split_missing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[item.code] = forms.ChoiceField(
                label=localized(item.text, language),
                choices=LIKERT_SPLIT_CHOICES if split_missing else LIKERT_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )

    def rows(self):
        for item in self.items:
            yield item, self[item.code]

    def to_draft(self) -> dict:
        return {"answers": {code: v for code, v in self.cleaned_data.items() if v}}


class ChoicesForm(forms.Form):
    barriers = forms.MultipleChoiceField(
        label=_("Hva hemmer nye og bedre måter å jobbe på mest hos dere? Velg inntil tre."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    promoters = forms.MultipleChoiceField(
        label=_("Hva fremmer nye og bedre måter å jobbe på mest hos dere? Velg inntil tre."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, spec, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["barriers"].choices = [
            (o.code, localized(o.text, language)) for o in spec.barriers
        ]
        self.fields["promoters"].choices = [
            (o.code, localized(o.text, language)) for o in spec.promoters
        ]

    def _at_most_three(self, name):
        values = self.cleaned_data[name]
        if len(values) > 3:
            raise ValidationError(_("Du kan velge inntil tre alternativer."))
        return values

    def clean_barriers(self):
        return self._at_most_three("barriers")

    def clean_promoters(self):
        return self._at_most_three("promoters")

    def to_draft(self) -> dict:
        return dict(self.cleaned_data)


class OutcomesForm(forms.Form):
    """The outcome questions (instrument 2027.1), all optional. The questions about the change
    (gated) count only when the first question is answered «ja»; otherwise they are dropped."""

    def __init__(self, *args, spec, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = spec.outcomes
        for question in self.outcomes.questions:
            choices = [(o.code, localized(o.text, language)) for o in question.options]
            label = localized(question.text, language)
            if question.select == "one":
                self.fields[question.code] = forms.ChoiceField(
                    label=label, choices=choices, widget=forms.RadioSelect, required=False
                )
            else:
                self.fields[question.code] = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            self.fields[question.code].question = question

    def to_draft(self) -> dict:
        gate_options = {o.code: o for o in self.outcomes.question(self.outcomes.gate).options}
        gate = gate_options.get(self.cleaned_data.get(self.outcomes.gate) or "")
        asked = gate is not None and (gate.points or 0) > 0
        chosen = {}
        for question in self.outcomes.questions:
            value = self.cleaned_data.get(question.code)
            values = [value] if isinstance(value, str) else list(value or [])
            values = [v for v in values if v]
            if values and (asked or not question.gated):
                chosen[question.code] = values
        return {"outcomes": chosen}


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Svarkoden din"),
        max_length=40,
        help_text=_("Koden du fikk da du startet, for eksempel ABCD-EFGH-JK."),
        error_messages={"required": _("Skriv inn svarkoden.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Koden fra brevet"),
        max_length=60,
        error_messages={"required": _("Skriv inn koden fra brevet.")},
    )


class RoundForm(forms.Form):
    name = forms.CharField(validators=[one_line], label=_("Navn"), max_length=150)
    slug = forms.SlugField(
        label=_("Kortnavn i adressen"), help_text=_("Små bokstaver, tall og bindestrek.")
    )
    instrument = forms.ModelChoiceField(
        label=_("Versjon av spørreskjemaet"),
        queryset=InstrumentVersion.objects.filter(published_at__isnull=False),
        empty_label=None,
    )
    opens_on = forms.DateField(label=_("Åpner"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Stenger"), widget=forms.DateInput(attrs={"type": "date"}))
    min_group_size = forms.IntegerField(
        label=_("Minste gruppestørrelse"), min_value=3, max_value=50
    )
    include_folkevalgte = forms.BooleanField(label=_("Folkevalgte deltar"), required=False)
    confirm_overlap = forms.BooleanField(
        label=_("Opprett runden likevel, selv om datoene overlapper"),
        required=False,
        widget=forms.HiddenInput,
    )

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Runden kan ikke stenge før den åpner."))
        return data

    def require_overlap_confirmation(self, overlaps) -> bool:
        """With rounds that overlap (same questionnaire, dates overlapping): show the checkbox
        and refuse until it is ticked. True when the form may go ahead."""
        if not overlaps or self.cleaned_data.get("confirm_overlap"):
            return True
        self.fields["confirm_overlap"].widget = forms.CheckboxInput()
        self.add_error(
            "confirm_overlap",
            _("Kryss av her hvis runden skal opprettes selv om datoene overlapper."),
        )
        return False


class EmailInviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-postadresser"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Én adresse per linje, eller skilt med komma eller semikolon."),
    )
    upload = forms.FileField(
        label=_("… eller last opp en fil (.txt eller .csv)"),
        required=False,
    )
    first_reminder = forms.DateField(
        label=_("Første påminnelse"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    second_reminder = forms.DateField(
        label=_("Andre påminnelse"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Påminnelsene går bare til dem som ikke har svart. Tøm feltene for ingen påminnelser."
        ),
    )

    MAX_BYTES = 1024 * 1024

    @staticmethod
    def initial_reminders(dates) -> dict:
        dates = list(dates)[:2]
        names = ["first_reminder", "second_reminder"]
        return dict(zip(names, dates, strict=False))

    def reminder_dates(self) -> list:
        data = self.cleaned_data
        return [d for d in (data.get("first_reminder"), data.get("second_reminder")) if d]

    def clean(self):
        data = super().clean()
        text = data.get("emails") or ""
        upload = data.get("upload")
        if upload:
            if upload.size > self.MAX_BYTES:
                raise ValidationError(_("Fila er for stor (over 1 MB)."))
            try:
                text += "\n" + upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(_("Fila må være tekst i UTF-8.")) from exc
        addresses = [a for a in _split_addresses(text) if a]
        if not addresses:
            raise ValidationError(_("Lim inn eller last opp minst én e-postadresse."))
        data["addresses"] = addresses
        return data


class InvitationTextForm(forms.Form):
    intro = forms.CharField(
        validators=[plain_text],
        label=_("Innledning i e-posten"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=2000,
        help_text=_(
            "Skriv med egne ord hvorfor kommunen spør. Lenken, løftet om anonymitet og "
            "svarfristen legges alltid til. Tomt felt gir standardteksten."
        ),
        error_messages={"max_length": _("Teksten kan være høyst %(limit_value)d tegn lang.")},
    )


def _split_addresses(text: str) -> list[str]:
    for sep in (",", ";", "\t"):
        text = text.replace(sep, "\n")
    return [line.strip() for line in text.splitlines()]


class PrintedCodesForm(forms.Form):
    count = forms.IntegerField(label=_("Antall koder"), min_value=1, max_value=500, initial=20)


class OpenLinkForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("For enhet (valgfritt)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— hele kommunen —"),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(municipality=municipality)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV-fil med svar"))
