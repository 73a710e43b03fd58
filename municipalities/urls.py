from django.urls import path

import config.converters  # noqa: F401  (registers kommunenr, dimension, token)

from . import views

app_name = "municipalities"

urlpatterns = [
    path("kommune/<kommunenr:number>/enheter/", views.units, name="units"),
    path("kommune/<kommunenr:number>/enheter/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path(
        "kommune/<kommunenr:number>/runder/<slug:slug>/faktaark/",
        views.fact_sheet,
        name="fact_sheet",
    ),
]
