"""The site administrator's pages for actions' steps, progress updates, risks and outcomes.
The action's own admin, with its spreadsheet import and export, is in reporting.admin: the
layers put spreadsheets there."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import (
    Action,
    MeasureValue,
    ProgressUpdate,
    ReviewNotice,
    Risk,
    Step,
    TimeframeFields,
)
from plans.badges import rating_swatch
from plans.models import Outcome

# What the timeframe as written gives on every save: shown, never typed.
TIMEFRAME_DERIVED = [field.name for field in TimeframeFields._meta.fields if not field.editable]


class ActionInline(admin.StackedInline):
    model = Action
    fields = [("position", "number"), "text", ("lead", "timeframe"), "themes"]
    extra = 0
    show_change_link = True
    filter_horizontal = ["themes"]


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
        return rating_swatch(obj.rating.label, obj.rating.colour) if obj.rating else "—"


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "concern", "by_whom", "by_when", "rating_shown", "confidential"]
    list_filter = ["partnership", "confidential", "rating__scale"]
    search_fields = ["concern", "risk_if_unresolved", "action_required", "by_whom"]
    list_select_related = ["rating", "partnership"]
    readonly_fields = ["due_date"]

    @admin.display(description="RAG")
    def rating_shown(self, obj):
        return (
            rating_swatch(obj.rating.label, obj.rating.colour)
            if obj.rating
            else "—"
            if obj.rating
            else "—"
        )


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


@admin.register(MeasureValue)
class MeasureValueAdmin(admin.ModelAdmin):
    list_display = ["action", "measure", "value", "given_on", "author"]
    list_select_related = ["action", "author"]
    search_fields = ["measure", "value", "action__number", "action__text"]
    autocomplete_fields = ["author"]
    raw_id_fields = ["action"]
    date_hierarchy = "given_on"


@admin.register(ReviewNotice)
class ReviewNoticeAdmin(admin.ModelAdmin):
    """Review emails owed and sent (actions.notices): to see why one did not arrive."""

    list_display = ["kind", "recipient", "update", "created_at", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "update__action"]
    search_fields = ["recipient__username", "recipient__email", "update__action__number"]
    raw_id_fields = ["update", "recipient"]
    date_hierarchy = "created_at"
