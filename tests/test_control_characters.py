"""Text people type reaches e-mail headers, XLSX, DOCX and PDF. A control character made the XLSX
and DOCX exports fail for everyone (openpyxl and python-docx refuse it), and a line break in a
round name stopped the mail worker (found in review): such text is refused where it is typed,
with a Norwegian message, and nothing is saved."""

import pytest

from assessment.forms import InvitationTextForm, RoundForm
from municipalities.forms import OrgUnitForm, RenameUnitForm
from municipalities.models import Municipality
from reports.forms import ActionForm, DiscussionForm

pytestmark = pytest.mark.django_db


def make(form_class, data):
    extra = {
        OrgUnitForm: lambda: {"municipality": Municipality.objects.get(number="4640")},
        ActionForm: lambda: {"focus": [("samarbeid", "Samarbeid")], "tools": []},
    }.get(form_class, dict)()
    form = form_class(data=data, **extra)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (OrgUnitForm, "name"),
        (RenameUnitForm, "name"),
        (RoundForm, "name"),
        (DiscussionForm, "forum"),
        (ActionForm, "what"),
        (ActionForm, "why"),
        (ActionForm, "owner"),
        (InvitationTextForm, "intro"),
    ],
)
def test_a_control_character_is_refused_with_a_norwegian_message(municipalities, form_class, field):
    form = make(form_class, {field: "Heime\x0btenesta"})
    assert "usynlig kontrolltegn" in " ".join(form.errors.get(field, [])), form.errors


@pytest.mark.parametrize(
    ("form_class", "field"),
    [(OrgUnitForm, "name"), (RenameUnitForm, "name"), (RoundForm, "name"), (ActionForm, "owner")],
)
def test_a_name_is_one_line(municipalities, form_class, field):
    form = make(form_class, {field: "Høst\n2026"})
    assert "én linje" in " ".join(form.errors.get(field, [])), form.errors


def test_line_breaks_stay_allowed_where_text_is_long(municipalities):
    form = make(ActionForm, {"why": "Lav skår.\nSe side 3."})
    assert "why" not in form.errors
