from django.contrib import admin

from .models import FactSheet, Membership, Municipality, OrgUnit, Sector, StaffGroup


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


@admin.register(FactSheet)
class FactSheetAdmin(admin.ModelAdmin):
    """Read-only: the coordinator answers the fact sheet on its own page (frozen at
    publication)."""

    list_display = ["participation", "innovation_strategy", "budget_line", "updated_on"]
    search_fields = ["participation__municipality__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
