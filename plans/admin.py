from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from plans import audit
from plans.badges import rating_swatch
from plans.models import (
    AuditEvent,
    Group,
    Invitation,
    Membership,
    Organisation,
    Outcome,
    Partnership,
    Person,
    Plan,
    Priority,
    RagRating,
    Theme,
    WriteCount,
)


def rows_inline(model, fields: list) -> type[admin.TabularInline]:
    """An inline table of the model's rows, with these fields and no empty extra row."""
    return type(
        f"{model.__name__}Inline",
        (admin.TabularInline,),
        {"model": model, "fields": fields, "extra": 0},
    )


GroupInline = rows_inline(Group, ["name", "short_name", "kind"])
ThemeInline = rows_inline(Theme, ["position", "code", "name", "short_name"])
RagRatingInline = rows_inline(RagRating, ["position", "label", "scale", "colour", "definition"])
PriorityInline = rows_inline(Priority, ["position", "number", "title"])


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GroupInline, ThemeInline, RagRatingInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "partnership", "user"]
    list_filter = ["partnership", "kind"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation", "partnership", "user"]
    autocomplete_fields = ["organisation", "user"]


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "partnership"]
    list_filter = ["partnership", "kind"]
    search_fields = ["name", "short_name", "aliases"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["chairs"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role"]
    list_filter = ["partnership", "role"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "partnership"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["groups"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Staff invite from Settings › Members: here, to see them. A link's token is never
    stored, so none is shown or set."""

    list_display = ["email", "first_name", "last_name", "partnership", "role", "sent_at"]
    list_filter = ["partnership", "role"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["partnership"]
    readonly_fields = ["token_hash", "invited_by", "accepted_by", "accepted_at", "sent_at"]
    filter_horizontal = ["groups"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["name", "short_name", "code"]


@admin.register(RagRating)
class RagRatingAdmin(SimpleHistoryAdmin):
    list_display = ["label", "coloured", "scale", "partnership", "position"]
    list_filter = ["partnership", "scale"]
    search_fields = ["label", "definition"]

    @admin.display(description="As shown")
    def coloured(self, obj):
        return rating_swatch(obj.label, obj.colour)


class OutcomeInline(admin.StackedInline):
    model = Outcome
    fields = [("position", "number", "priority"), "text", "note"]
    extra = 0
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "priority" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = Priority.objects.filter(
                plan_id=request.resolver_match.kwargs["object_id"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "period", "group", "partnership", "status", "version_label"]
    list_filter = ["group__partnership", "status", "group"]
    search_fields = ["title", "period", "introduction", "version_label"]
    list_select_related = ["group__partnership"]
    inlines = [PriorityInline, OutcomeInline]
    fieldsets = [
        (None, {"fields": ["group", "title", "period", "status", "version_label", "agreed_on"]}),
        ("Introduction", {"fields": ["introduction"]}),
        (
            "The plan's own words",
            {
                "fields": ["priority_label", "outcome_label", "action_label"],
                "classes": ["collapse"],
            },
        ),
        ("Source", {"fields": ["source", "note"], "classes": ["collapse"]}),
    ]

    @admin.display(ordering="group__partnership__name")
    def partnership(self, obj):
        return obj.group.partnership


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan__group__partnership", "plan"]
    search_fields = ["title"]
    list_select_related = ["plan"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the app keeps by itself: listed and read here, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read only: the log is appended to by plans.audit and pruned by prune_audit, never
    edited here."""

    list_display = ["at", "kind", "username", "partnership", "summary", "elsewhere", "ip_address"]
    list_filter = ["kind", "partnership"]
    search_fields = ["username", "summary", "path", "ip_address"]
    list_select_related = ["partnership"]
    date_hierarchy = "at"

    # For a "not found": whether the id was another partnership's, which the partnership's
    # own log does not say (plans.audit.not_in_partnership).
    @admin.display(description="another partnership's", boolean=True)
    def elsewhere(self, event):
        return event.detail.get("elsewhere")


@admin.register(WriteCount)
class WriteCountAdmin(ReadOnlyAdmin):
    """Who saved how often in a minute (plans.write_limits): a script using someone's sign-in
    shows here as a count near or past the limit."""

    list_display = ["minute", "user", "count"]
    list_select_related = ["user"]
    ordering = ["-minute", "-count"]


class AuditedDeviceDeletes:
    """Deleting a user's authenticator app or backup codes here (for a sign-in business
    support staff may not reset: plans.two_step.reset_refusal) is in the audit log, as
    turning two-step verification off anywhere else is."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        audit.device_removed_in_admin(request, obj)

    def delete_queryset(self, request, queryset):
        devices = list(queryset.select_related("user"))
        super().delete_queryset(request, queryset)
        for device in devices:
            audit.device_removed_in_admin(request, device)


# django-otp's own admins (registered first: its apps come before this one), audited.
for model, model_admin in [(TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (AuditedDeviceDeletes, model_admin), {}))
