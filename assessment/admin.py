"""Admin. Published instrument versions are read-only here as in the model layer: a change
means a new version, made with «Kopier til ny versjon»."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Dimension,
    Draft,
    Headcount,
    InstrumentVersion,
    Invitation,
    Item,
    OpenLink,
    Option,
    Participation,
    Round,
)


class FrozenWhenPublishedMixin:
    """No change or delete of anything belonging to a published version."""

    def _published(self, obj) -> bool:
        if obj is None:
            return False
        version = obj if isinstance(obj, InstrumentVersion) else obj.version
        return version.is_published

    def has_change_permission(self, request, obj=None):
        return not self._published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._published(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # New or moved parts can only go into a draft (a form error, not a server error).
        if db_field.name in ("version", "dimension"):
            lookup = "published_at" if db_field.name == "version" else "version__published_at"
            drafts = {f"{lookup}__isnull": True}
            kwargs["queryset"] = db_field.related_model.objects.filter(**drafts)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ItemInline(FrozenWhenPublishedMixin, admin.TabularInline):
    model = Item
    fields = ["code", "order", "text", "reverse", "audience", "trait"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not self._published(obj) and super().has_add_permission(request, obj)


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(FrozenWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["version", "published_at", "created_at"]
    readonly_fields = ["published_at", "created_at", "source_sha256"]
    actions = ["copy_to_new_version", "publish"]

    @admin.action(description=_("Kopier til ny versjon (utkast)"))
    def copy_to_new_version(self, request, queryset):
        for version in queryset:
            new_version = f"{version.version}-kopi"
            try:
                services.copy_version(source=version, new_version=new_version)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("Versjon %s er laget.") % new_version)

    @admin.action(description=_("Publiser (lås) versjonen"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.publish_version(version=version)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)


@admin.register(Dimension)
class DimensionAdmin(FrozenWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["code", "label", "version", "order"]
    list_filter = ["version"]
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(FrozenWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["code", "dimension", "version", "reverse", "trait"]
    list_filter = ["version", "reverse", "trait"]
    search_fields = ["code"]


@admin.register(Option)
class OptionAdmin(FrozenWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["code", "kind", "version"]
    list_filter = ["version", "kind"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name",
        "opens_on",
        "closes_on",
        "instrument",
        "min_group_size",
        "published_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        """A published round is frozen (domain.md §6): its dates, instrument and minimum."""
        if obj is not None and obj.is_published:
            return ["opens_on", "closes_on", "instrument", "min_group_size", "include_folkevalgte"]
        return []


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["municipality", "round", "named_in_comparisons", "joined_on"]
    list_filter = ["round"]
    raw_id_fields = ["municipality"]


@admin.register(Headcount)
class HeadcountAdmin(admin.ModelAdmin):
    list_display = ["participation", "unit", "staff_group", "count"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Counts only: tokens are hashes and e-mail addresses are not listed."""

    list_display = ["participation", "kind", "used", "reminders_sent", "created_on"]
    list_filter = ["kind", "used"]
    fields = ["participation", "kind", "used", "reminders_sent", "created_on"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(OpenLink)
class OpenLinkAdmin(admin.ModelAdmin):
    list_display = ["participation", "unit", "active", "created_on"]
    fields = ["participation", "unit", "active", "created_on"]
    readonly_fields = ["participation", "unit", "created_on"]


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["participation", "page", "expires_on"]
    fields = ["participation", "page", "expires_on"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
