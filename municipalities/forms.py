from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, Sector


class OrgUnitForm(forms.Form):
    name = forms.CharField(label=_("Navn på enheten"), max_length=150)
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
    name = forms.CharField(label=_("Nytt navn"), max_length=150)
