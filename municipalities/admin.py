from django.contrib import admin

from .models import Membership, Municipality, OrgUnit, Sector, StaffGroup


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "county_name", "population", "size_class", "language_form"]
    list_filter = ["county_name", "size_class", "language_form"]
    search_fields = ["number", "name"]
    readonly_fields = ["size_class"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "sector", "parent"]
    list_filter = ["sector"]
    search_fields = ["name", "municipality__name"]
    raw_id_fields = ["municipality", "parent"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "municipality__name"]
    raw_id_fields = ["user", "municipality", "unit"]


@admin.register(StaffGroup)
class StaffGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "is_optional", "order"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order"]
