from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("kommune/<str:number>/enheter/", views.units, name="units"),
    path("kommune/<str:number>/enheter/<int:unit_id>/", views.unit_edit, name="unit_edit"),
]
