from django.urls import path

import config.converters  # noqa: F401  (registers kommunenr, dimension, token)

from . import respondent_views as respond
from . import views

app_name = "assessment"

urlpatterns = [
    # KS: rounds
    path("runder/", views.round_list, name="round_list"),
    path("runder/ny/", views.round_create, name="round_create"),
    # Coordinator: the kommune's rounds, links and response rates
    path(
        "kommune/<kommunenr:number>/runder/", views.municipality_rounds, name="municipality_rounds"
    ),
    path("kommune/<kommunenr:number>/runder/<slug:slug>/delta/", views.join, name="join"),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/koder/",
        views.printed_codes,
        name="printed_codes",
    ),
    path("kommune/<kommunenr:number>/runder/<slug:slug>/paminnelse/", views.remind, name="remind"),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/invitasjonstekst/",
        views.invitation_text,
        name="invitation_text",
    ),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/utsendinger/<int:batch_id>/nytt-forsok/",
        views.retry_batch,
        name="retry_batch",
    ),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/lenker/",
        views.open_link_create,
        name="open_link_create",
    ),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/lenker/<int:link_id>/",
        views.poster,
        name="poster",
    ),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/lenker/<int:link_id>/stopp/",
        views.open_link_deactivate,
        name="open_link_deactivate",
    ),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/antall/", views.headcounts, name="headcounts"
    ),
    path("kommune/<kommunenr:number>/runder/<slug:slug>/navn/", views.naming, name="naming"),
    # Respondents (no login)
    path("svar/<token:token>/", respond.personal_link, name="personal_link"),
    path("kode/", respond.enter_code, name="enter_code"),
    path("apen/<token:token>/", respond.open_link, name="open_link"),
    path("fortsett/", respond.resume, name="resume"),
    path("skjema/side/<int:page>/", respond.page, name="page"),
    path("skjema/sprak/", respond.change_language, name="change_language"),
    path("skjema/send/", respond.submit, name="submit"),
    path("skjema/takk/", respond.thanks, name="thanks"),
    path("skjema/pause/", respond.paused, name="paused"),
]
