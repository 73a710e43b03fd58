from django.contrib import admin

from .models import Action, ActionPlan, ApiToken, PlanEvent, StaffPage


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["dimension", "what", "owner", "due_on", "status", "ks_tool"]


class PlanEventInline(admin.TabularInline):
    """The history is append-only: shown, never edited or deleted here."""

    model = PlanEvent
    extra = 0
    fields = ["at", "username", "kind", "details"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["municipality", "unit", "round", "discussed_on", "updated_at"]
    list_filter = ["round"]
    search_fields = ["municipality__name", "unit__name"]
    raw_id_fields = ["municipality", "unit"]
    readonly_fields = ["focus", "created_at", "updated_at"]
    inlines = [ActionInline, PlanEventInline]


@admin.register(StaffPage)
class StaffPageAdmin(admin.ModelAdmin):
    list_display = ["municipality", "round", "published_at", "revoked_at"]
    list_filter = ["round"]
    fields = ["municipality", "round", "published_at", "revoked_at"]
    readonly_fields = ["municipality", "round", "published_at"]

    def has_add_permission(self, request):
        return False
