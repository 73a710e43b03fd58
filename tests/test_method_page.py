"""The public method page (/om-metoden/): the whole published instrument with sources, how scores
are computed and anonymity is kept, never a newer draft, and a page without a published version."""

import pytest
from django.conf import settings

from tests.instrument_data import DATA, DIMENSIONS, _norm, _page_text


@pytest.mark.django_db
def test_method_page_is_public_and_shows_the_whole_instrument(client, instrument):
    response = client.get("/om-metoden/")
    assert response.status_code == 200
    page = _page_text(response)
    missing = []
    for d in DIMENSIONS:
        for text in (d["name"]["nb"], d["definition"]["nb"], *[lvl["nb"] for lvl in d["levels"]]):
            if _norm(text) not in page:
                missing.append((d["code"], text))
        for item in d["items"]:
            if f"{item['code']}: {_norm(item['text']['nb'])}" not in page:
                missing.append((item["code"], "text"))
            if _norm(item["why"]["nb"]) not in page:
                missing.append((item["code"], "why"))
            for source in item["sources"]:
                first, last = source["lines"]
                if f"{source['seed']} l. {first}–{last}" not in page:
                    missing.append((item["code"], source["seed"], first, last))
    for kind in ("barriers", "promoters"):
        missing += [o["code"] for o in DATA[kind] if _norm(o["text"]["nb"]) not in page]
    assert missing == []


@pytest.mark.django_db
def test_method_page_explains_scoring_and_anonymity(client, instrument):
    page = _page_text(client.get("/om-metoden/"))
    assert "Slik regner vi ut skårene" in page
    assert "minst halvparten" in page
    assert "omvendt skåret" in page
    assert "Indeks 0–100 = (skår − 1) / 4 × 100" in page
    assert "1,0–1,79 = 1" in page and "4,2–5,0 = 5" in page
    assert "Slik beskytter vi anonymiteten" in page
    assert f"færre enn {settings.MIN_GROUP_SIZE} svar" in page
    assert "IP-adresse" in page


@pytest.mark.django_db
def test_method_page_shows_the_published_version_not_a_newer_draft(client, instrument, draft):
    item = draft.items.get(code="STR1")
    item.text = {**item.text, "nb": "Utkast som ingen skal se ennå."}
    item.save()
    page = _page_text(client.get("/om-metoden/"))
    assert "Utkast som ingen skal se ennå." not in page
    assert _norm(DATA["dimensions"][0]["items"][0]["text"]["nb"]) in page


@pytest.mark.django_db
def test_method_page_without_a_published_version(no_instrument, client):
    response = client.get("/om-metoden/")
    assert response.status_code == 200
    assert "Spørreskjemaet er ikke publisert ennå." in _page_text(response)
