"""The site administrator's page for actions, with their spreadsheet import and export (the
layers put spreadsheets here, in reporting).

Export writes xlsx only, every text cell through reporting.cells, the rule of every
spreadsheet the app writes: text that a spreadsheet would take for a formula (starting with
= + - @, a tab or a carriage return, after any number of them) is stored as text with
Excel's quote prefix, and reads exactly as typed. django-import-export's own escaping
(IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) takes off one leading "=" and nothing else, so
"==HYPERLINK(...)" or "+cmd|..." stayed a formula, and "=" was lost from text that had one.
CSV and the other formats are not offered: a CSV cannot say "this is text".
"""

from django.contrib import admin
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action, ProgressUpdate, Step, TimeframeFields
from plans.badges import rating_swatch
from plans.models import RagRating, Theme
from reporting.cells import new_workbook, set_text, workbook_bytes

TIMEFRAME_DERIVED = [field.name for field in TimeframeFields._meta.fields if not field.editable]


class TextOnlyXLSX(XLSX):
    """xlsx whose text cells are never formulas (reporting.cells.set_text)."""

    def export_data(self, dataset, **kwargs):
        book, sheet = new_workbook("Actions", "Actions")
        for row_number, row in enumerate([dataset.headers or [], *dataset], start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, str) or value is None:
                    set_text(cell, value)
                else:
                    cell.value = value
        return workbook_bytes(book)


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
    formats = [TextOnlyXLSX]
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
