"""Forms for the reports app: plain GET forms for the report pages (they work without
JavaScript), and the action-plan forms. They parse input; the rules live in services (for action
plans: reports.action_plans)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.validators import one_line, plain_text

from .models import ActionStatus

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


FORUM_SUGGESTIONS = ("AMU", "IDF", _("Ledermøte med tillitsvalgte"), _("Personalmøte"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FocusForm(forms.Form):
    focus = forms.MultipleChoiceField(
        label=_("Velg ett til tre innsatsområder"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg ett, to eller tre innsatsområder.")},
    )

    def __init__(self, *args, spec, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus"].choices = [(d.code, d.label) for d in spec.dimensions]


class DiscussionForm(forms.Form):
    forum = forms.CharField(
        validators=[one_line],
        label=_("Drøftet i (for eksempel AMU eller IDF)"),
        max_length=100,
        error_messages={
            "required": _("Skriv hvor planen ble drøftet, for eksempel AMU eller IDF.")
        },
    )
    on = forms.DateField(
        label=_("Dato"),
        widget=DateInput(),
        error_messages={
            "required": _("Skriv datoen for drøftingen."),
            "invalid": _("Ugyldig dato."),
        },
    )


class ActionForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Innsatsområde"))
    what = forms.CharField(
        validators=[one_line],
        label=_("Hva skal gjøres?"),
        max_length=300,
        error_messages={"required": _("Skriv hva tiltaket er.")},
    )
    why = forms.CharField(
        validators=[plain_text],
        label=_("Hvorfor? Hvilket funn svarer tiltaket på?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv hvilket funn tiltaket svarer på.")},
    )
    owner = forms.CharField(
        validators=[one_line],
        label=_("Ansvarlig"),
        max_length=150,
        error_messages={"required": _("Skriv hvem som er ansvarlig.")},
    )
    due_on = forms.DateField(
        label=_("Frist"),
        widget=DateInput(),
        error_messages={"required": _("Skriv en frist."), "invalid": _("Ugyldig dato.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    ks_tool = forms.ChoiceField(label=_("KS-verktøy (valgfritt)"), required=False)

    def __init__(self, *args, focus: list[tuple[str, str]], tools: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = focus
        self.fields["ks_tool"].choices = [("", _("Ingen"))] + [(t, t) for t in tools]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


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
