from django.urls import path

import config.converters  # noqa: F401  (registers kommunenr, dimension, token)

from . import dashboard_views, export_views, plan_views, round_views, views

app_name = "reports"

urlpatterns = [
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/",
        views.municipality_report,
        name="municipality_report",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/dimensjon/<dimension:code>/",
        views.dimension_page,
        name="dimension",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/motepakke/<dimension:code>/",
        views.meeting_kit,
        name="meeting_kit",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/utforsk/",
        views.explore,
        name="explore",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/rapport.xlsx",
        export_views.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/rapport-csv.zip",
        export_views.export_csv,
        name="export_csv",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/rapport.pdf",
        export_views.export_pdf,
        name="export_pdf",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/saksframlegg.docx",
        export_views.export_docx,
        name="export_docx",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/enheter/<int:unit_id>/",
        views.unit_report,
        name="unit_report",
    ),
    path("runder/<slug:slug>/sammenligning/", round_views.benchmark, name="benchmark"),
    path("runder/<slug:slug>/psykometri/", round_views.psychometrics, name="psychometrics"),
    path("runder/<slug:slug>/steng/", round_views.close_round, name="close_round"),
    path("om-metoden/", round_views.method, name="method"),
    # The coordinator's page for a round, and its invitation form
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/",
        dashboard_views.dashboard,
        name="dashboard",
    ),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/epost/",
        dashboard_views.invite_email,
        name="invite_email",
    ),
    # From results to action (issue 14): plans, the staff page, KS's view of the cycle
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/tiltaksplan/",
        plan_views.action_plan,
        name="action_plan",
    ),
    path(
        "runder/<slug:slug>/kommuner/<kommunenr:number>/tiltaksplan/enhet/<int:unit_id>/",
        plan_views.action_plan,
        name="unit_action_plan",
    ),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/ansattside/",
        plan_views.staff_page_publish,
        name="staff_page_publish",
    ),
    path("resultater/<token:token>/", plan_views.staff_page, name="staff_page"),
    path("runder/<slug:slug>/tiltak/", plan_views.action_cycle, name="action_cycle"),
]
