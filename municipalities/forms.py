from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FACT_QUESTIONS, KsTool, OrgUnit, Sector
from .validators import one_line


class OrgUnitForm(forms.Form):
    name = forms.CharField(validators=[one_line], label=_("Navn på enheten"), max_length=150)
    sector = forms.ModelChoiceField(
        label=_("Sektor"), queryset=Sector.objects.all(), empty_label=None
    )
    parent = forms.ModelChoiceField(
        label=_("Under enhet (valgfritt)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— ingen, enheten ligger rett under sektoren —"),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = OrgUnit.objects.filter(municipality=municipality)


class RenameUnitForm(forms.Form):
    name = forms.CharField(validators=[one_line], label=_("Nytt navn"), max_length=150)


YES_NO_UNKNOWN = (("ja", _("Ja")), ("nei", _("Nei")), ("vet_ikke", _("Vet ikke")))
_AS_BOOL = {"ja": True, "nei": False, "vet_ikke": None}


class FactSheetForm(forms.Form):
    """The kommune fact sheet: yes / no / «vet ikke» per structural question, the KS tools in
    use and how many new services were scaled (issue 13, item 6)."""

    def __init__(self, *args, initial_sheet=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in FACT_QUESTIONS:
            value = getattr(initial_sheet, name, None) if initial_sheet else None
            self.fields[name] = forms.ChoiceField(
                label=question,
                choices=YES_NO_UNKNOWN,
                widget=forms.RadioSelect,
                initial={True: "ja", False: "nei"}.get(value, "vet_ikke"),
            )
        self.fields["ks_tools"] = forms.MultipleChoiceField(
            label=_("Hvilke av KS' verktøy er i bruk?"),
            choices=KsTool.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            initial=initial_sheet.ks_tools if initial_sheet else [],
        )
        self.fields["services_scaled"] = forms.IntegerField(
            label=_(
                "Hvor mange nye tjenester eller løsninger er tatt i bruk i hele kommunen siste år?"
            ),
            min_value=0,
            max_value=1000,
            required=False,
            initial=initial_sheet.services_scaled if initial_sheet else None,
            error_messages={
                "invalid": _("Skriv et helt tall."),
                "min_value": _("Antallet kan ikke være negativt."),
                "max_value": _("Skriv et tall fra 0 til 1000."),
            },
        )

    def facts(self) -> dict:
        data = {name: _AS_BOOL[self.cleaned_data[name]] for name, _question in FACT_QUESTIONS}
        data["ks_tools"] = sorted(self.cleaned_data["ks_tools"])
        data["services_scaled"] = self.cleaned_data["services_scaled"]
        return data
