from django.contrib import admin
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action, ProgressUpdate, Risk, Step
from plans.badges import rating_swatch
from plans.models import Outcome, RagRating, Theme

TIMEFRAME_DERIVED = ["due_date", "starts_on", "recurrence", "timeframe_tbc"]


class ActionInline(admin.StackedInline):
    model = Action
    fields = [("position", "number"), "text", ("lead", "timeframe"), "themes"]
    extra = 0
    show_change_link = True
    filter_horizontal = ["themes"]


class StepInline(admin.StackedInline):
    model = Step
    fields = [("position", "label"), "text", ("lead", "timeframe"), "evidence", "note"]
    extra = 0


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    fields = ["reported_on", "rating", "commentary", "evidence", "author"]
    extra = 0
    ordering = ["-reported_on", "-created_at"]
    autocomplete_fields = ["author"]


class ActionResource(resources.ModelResource):
    """Actions as rows; themes by code, separated by commas. Imports validate every field."""

    themes = fields.Field(
        attribute="themes",
        column_name="themes",
        widget=widgets.ManyToManyWidget(Theme, field="code", separator=","),
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "outcome",
            "position",
            "number",
            "text",
            "themes",
            "lead",
            "timeframe",
            "outcome_measures",
            "note",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CurrentRatingFilter(admin.SimpleListFilter):
    title = "current rating"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [*RagRating.Scale.choices, ("none", "No update yet")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(current_scale__isnull=True)
        if self.value():
            return queryset.filter(current_scale=self.value())
        return queryset


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin, ImportExportModelAdmin):
    resource_classes = [ActionResource]
    list_display = ["number", "short_text", "lead", "timeframe", "due_date", "current_rating"]
    list_display_links = ["number", "short_text"]
    list_filter = [
        "outcome__plan__group__partnership",
        "outcome__plan",
        CurrentRatingFilter,
        "themes",
        "recurrence",
        "timeframe_tbc",
    ]
    search_fields = ["number", "text", "lead", "timeframe", "steps__text"]
    list_select_related = ["outcome__plan"]
    readonly_fields = TIMEFRAME_DERIVED
    filter_horizontal = ["themes", "lead_people", "lead_groups", "lead_organisations"]
    inlines = [StepInline, ProgressUpdateInline]
    fieldsets = [
        (None, {"fields": ["outcome", ("position", "number"), "text", "themes"]}),
        ("Lead", {"fields": ["lead", "lead_people", "lead_groups", "lead_organisations"]}),
        ("Timeframe", {"fields": ["timeframe", *TIMEFRAME_DERIVED]}),
        ("More", {"fields": ["outcome_measures", "note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest_update()

    @admin.display(description="Action")
    def short_text(self, obj):
        return str(obj).removeprefix(obj.number).strip()

    @admin.display(description="Rating", ordering="current_scale")
    def current_rating(self, obj):
        return rating_swatch(obj.current_rating_label, obj.current_rating_colour)


@admin.register(Step)
class StepAdmin(SimpleHistoryAdmin):
    list_display = ["action", "label", "text", "lead", "timeframe", "due_date"]
    list_filter = ["action__outcome__plan__group__partnership", "action__outcome__plan"]
    search_fields = ["text", "lead", "evidence"]
    list_select_related = ["action"]
    readonly_fields = TIMEFRAME_DERIVED


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "reported_on", "rating_shown", "author", "created_at"]
    list_filter = ["action__outcome__plan__group__partnership", "rating__scale", "reported_on"]
    search_fields = ["commentary", "evidence", "action__number", "action__text"]
    list_select_related = ["action", "rating", "author"]
    autocomplete_fields = ["author"]
    date_hierarchy = "reported_on"

    @admin.display(description="Rating", ordering="rating__position")
    def rating_shown(self, obj):
        return rating_swatch(obj.rating.label, obj.rating.colour)


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "concern", "by_whom", "by_when", "rating_shown", "confidential"]
    list_filter = ["partnership", "confidential", "rating__scale"]
    search_fields = ["concern", "risk_if_unresolved", "action_required", "by_whom"]
    list_select_related = ["rating", "partnership"]
    readonly_fields = ["due_date"]

    @admin.display(description="RAG")
    def rating_shown(self, obj):
        return rating_swatch(obj.rating.label, obj.rating.colour) if obj.rating else "—"


# The outcome's admin is here, not in plans.admin, because it lists the outcome's actions.
@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_text", "priority", "plan"]
    list_filter = ["plan__group__partnership", "plan"]
    search_fields = ["text", "note"]
    list_select_related = ["plan", "priority"]
    fields = ["plan", "priority", "position", "number", "text", "note"]

    inlines = [ActionInline]

    @admin.display(description="Outcome")
    def short_text(self, obj):
        return obj.text[:120] + ("…" if len(obj.text) > 120 else "")
