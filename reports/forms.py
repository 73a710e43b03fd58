from django import forms
from django.utils.translation import gettext_lazy as _


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
