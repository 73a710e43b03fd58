"""The freeze of published instrument versions in the Django admin: published parts are read only
(crafted POSTs too), bulk delete and adding a statement are refused, and the copy action gives an
editable draft."""

import json

import pytest
from django.urls import reverse

from assessment.models import (
    InstrumentVersion,
)
from tests.instrument_data import ITEMS

# --- The admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model, instrument):
    superuser = django_user_model.objects.create_superuser(username="super", password="x")
    client.force_login(superuser)
    return client


def _admin_url(obj, action):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["item", "dimension", "version", "option"])
def test_admin_shows_published_parts_read_only(admin_client, instrument, model):
    obj = {
        "item": lambda: instrument.items.get(code="STR1"),
        "dimension": lambda: instrument.dimensions.get(code="strategi"),
        "version": lambda: instrument,
        "option": lambda: instrument.options.first(),
    }[model]()
    response = admin_client.get(_admin_url(obj, "change"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_save"' not in page
    assert _admin_url(obj, "delete") not in page
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False

    # Neither a crafted POST to the change page nor to the delete page changes anything.
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    response = admin_client.post(_admin_url(obj, "change"), {"code": "X1", "version": "9"})
    assert response.status_code == 403
    response = admin_client.post(_admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


@pytest.mark.django_db
def test_admin_bulk_delete_of_published_statements_is_refused(admin_client, instrument):
    pks = list(instrument.items.values_list("pk", flat=True)[:3])
    response = admin_client.post(
        reverse("admin:assessment_item_changelist"),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code == 403
    assert instrument.items.count() == len(ITEMS)


@pytest.mark.django_db
def test_admin_cannot_add_a_statement_to_a_published_version(admin_client, instrument):
    dimension = instrument.dimensions.get(code="strategi")
    response = admin_client.post(
        reverse("admin:assessment_item_add"),
        {
            "version": instrument.pk,
            "dimension": dimension.pk,
            "code": "STR9",
            "order": 99,
            "text": json.dumps({"nb": "a", "nn": "b", "en": "c"}),
            "audience": '["medarbeider"]',
            "trait": "",
            "why": json.dumps({"nb": "a", "nn": "b", "en": "c"}),
            "sources": json.dumps([{"seed": "001_8209b2b4c9d22621.txt", "lines": [917, 943]}]),
        },
    )
    assert response.status_code == 200  # the form again, with an error - not a crash
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"version", "dimension"}
    assert not instrument.items.filter(code="STR9").exists()


@pytest.mark.django_db
def test_admin_copy_action_makes_an_editable_draft_with_the_same_codes(admin_client, instrument):
    response = admin_client.post(
        reverse("admin:assessment_instrumentversion_changelist"),
        {"action": "copy_to_new_version", "_selected_action": [instrument.pk]},
        follow=True,
    )
    assert response.status_code == 200
    copy_ = InstrumentVersion.objects.get(version=f"{instrument.version}-kopi")
    assert not copy_.is_published
    assert set(copy_.items.values_list("code", flat=True)) == {i["code"] for i in ITEMS}
    item = copy_.items.get(code="STR1")
    response = admin_client.get(_admin_url(item, "change"))
    assert response.context["has_change_permission"] is True
    assert 'name="_save"' in response.content.decode()
