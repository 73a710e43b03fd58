"""Forms of the report pages (plain GET forms: they work without JavaScript)."""

from django import forms
from django.utils.translation import gettext_lazy as _

ROWS = (
    ("ansattgrupper", _("Ansattgrupper")),
    ("sektorer", _("Sektorer")),
    ("enheter", _("Enheter")),
    ("ansiennitet", _("Ansiennitet (hele kommunen)")),
)
COMPARISONS = (
    ("kommunen", _("Kommunen")),
    ("landet", _("Landet")),
    ("storrelse", _("Kommuner av samme størrelse")),
)


class ExploreForm(forms.Form):
    """What the heatmap shows: rows by staff group, sector, unit or tenure, coloured against the
    kommune, the nation or the size class. Tenure is offered for the whole kommune only."""

    rader = forms.ChoiceField(
        label=_("Rader"), choices=ROWS, initial="ansattgrupper", required=False
    )
    mot = forms.ChoiceField(
        label=_("Farge etter forskjell fra"),
        choices=COMPARISONS,
        initial="kommunen",
        required=False,
    )

    def __init__(self, *args, whole: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not whole:
            self.fields["rader"].choices = [c for c in ROWS if c[0] != "ansiennitet"]
            self.fields["rader"].error_messages["invalid_choice"] = _(
                "Ansiennitet vises bare for hele kommunen. Velg ansattgrupper, sektorer eller enheter."
            )
        else:
            self.fields["rader"].error_messages["invalid_choice"] = _(
                "«%(value)s» er ikke et gyldig valg for rader."
            )
        self.fields["mot"].error_messages["invalid_choice"] = _(
            "«%(value)s» er ikke et gyldig valg for sammenligning."
        )

    def choice(self, name: str) -> str:
        """The chosen value, or the default when it is left out or invalid (the error is shown
        on the form)."""
        if self.is_bound:
            self.is_valid()
            value = getattr(self, "cleaned_data", {}).get(name)
            if value:
                return value
        return self.fields[name].initial


class MeetingKitForm(forms.Form):
    """Which unit the meeting kit is for (blank: the whole report scope)."""

    enhet = forms.TypedChoiceField(label=_("Enhet"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, units=()):
        super().__init__(data or None)
        self.fields["enhet"].choices = [("", _("Hele rapporten"))] + [
            (unit.key, unit.label) for unit in units
        ]

    def is_valid(self):
        # An unbound form (no unit chosen) is valid and means the whole scope.
        if not self.is_bound:
            self.cleaned_data = {"enhet": None}
            return True
        return super().is_valid()
