from django import forms
from django.db.models import Q
from django.utils import timezone

from actions.display import measure_lines
from actions.models import Action, MeasureValue, ProgressUpdate, Risk, Step
from front.forms.base import DayField, EditForm, GovukForm, IdsInRange, PastDayField
from plans.models import RagRating, Theme


class RatingRadios(forms.RadioSelect):
    """Radios whose options carry the rating's definition as a hint."""

    def __init__(self, *args, definitions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = definitions or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hint = self.definitions.get(getattr(value, "value", value))
        if hint:
            option["attrs"]["hint"] = hint
            option["attrs"]["describedby"] = True
        return option


KEEP_RATING = "keep"


class RatingOrKeep(forms.ModelChoiceField):
    """One of the partnership's ratings, or KEEP_RATING: commentary only, the rating kept."""

    def to_python(self, value):
        return KEEP_RATING if value == KEEP_RATING else super().to_python(value)

    def validate(self, value):
        if value != KEEP_RATING:
            super().validate(value)


class ProgressUpdateForm(GovukForm, forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["rating", "commentary", "evidence", "support_needed", "reported_on"]
        labels = {
            "rating": "Rating",
            "commentary": "What has happened since the last update?",
            "evidence": "Evidence (optional)",
            "support_needed": "Support needed from the board (optional)",
            "reported_on": "Date of this update",
        }
        help_texts = {
            "commentary": "One or two sentences for the board: progress, and any blockers.",
            "evidence": "Reports, audits, figures or links that show the progress.",
            "support_needed": "What the board could do to unblock it: shown beside the action "
            "in the pack's exceptions and cover report.",
        }
        widgets = {
            "commentary": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "support_needed": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"reported_on": PastDayField, "rating": RatingOrKeep}
        error_messages = {
            "rating": {"required": "Choose a rating, or keep the rating as it is"},
            "commentary": {"required": "Enter a line of commentary"},
            "reported_on": {
                "required": "Enter the date of this update",
                "invalid": "Enter a real date",
                "too_late": "The date of this update cannot be in the future",
            },
        }

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action
        ratings = RagRating.objects.live().for_partnership(action.outcome.plan.group.partnership)
        field = self.fields["rating"]
        field.queryset = ratings
        field.empty_label = None
        field.required = True
        self.current = (
            ProgressUpdate.objects.filter(action=action, is_current=True)
            .select_related("rating", "author")
            .first()
        )
        if self.current is not None and self.current.rating_id:
            field.initial = self.current.rating_id  # the rating as it is, to keep or change
        rated = self.current.rating if self.current else None
        keep = (
            f"It stays {rated.label}." if rated else "The action has no rating yet, and keeps none."
        )
        field.widget = RatingRadios(
            definitions={**{r.pk: r.definition for r in ratings}, KEEP_RATING: keep}
        )
        field.widget.choices = [*field.choices, (KEEP_RATING, "No new rating: commentary only")]
        self.fields["reported_on"].initial = timezone.localdate

    def clean(self):
        cleaned = super().clean()
        kept = cleaned.get("rating") == KEEP_RATING
        if kept:
            cleaned["rating"] = None  # the update keeps the action's rating (ProgressUpdate.save)
        cleaned["rating_kept"] = self.instance.rating_kept = kept
        return cleaned


class ThemeCheckboxes(IdsInRange, forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}) {obj.name}"


LEAD_HINT = (
    "As the plan writes it, for example 'Zoe Gallen, MSCP BSU' or 'Full Sub-Group'. "
    "It is linked to the people, groups and agencies it names."
)
TIMEFRAME_HINT = (
    "As the plan writes it, for example 'September 2024', 'Ongoing' or 'Quarterly'. "
    "A due date is worked out from it."
)


class ActionForm(EditForm):
    themes = ThemeCheckboxes(
        label="Cross-cutting themes (optional)",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Action
        fields = [
            "number",
            "text",
            "themes",
            "lead",
            "timeframe",
            "due_date_set",
            "outcome_measures",
            "note",
        ]
        labels = {
            "number": "Number (optional)",
            "text": "What we will do",
            "lead": "Lead (optional)",
            "timeframe": "Timeframe (optional)",
            "due_date_set": "Due date (optional)",
            "outcome_measures": "How will we know it has made a difference? (optional)",
            "note": "Note (optional)",
        }
        help_texts = {
            "number": "As the plan writes it, for example 1.1 or 2.4. It is never renumbered.",
            "text": "Leave blank if the action is written in parts: add them as steps.",
            "lead": LEAD_HINT,
            "timeframe": TIMEFRAME_HINT,
            "due_date_set": (
                "Only if the timeframe gives no date, or the wrong one: this date is used "
                'instead, for "past due date" and reminders. The timeframe is kept as written.'
            ),
            "outcome_measures": "",
            "note": "For example, what was done to text that was corrupted in the source.",
        }
        field_classes = {"due_date_set": DayField}
        error_messages = {"due_date_set": {"invalid": "Enter a real date"}}
        widgets = {
            "number": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "text": forms.Textarea(attrs={"rows": 4}),
            "lead": forms.Textarea(attrs={"rows": 2}),
            "timeframe": forms.TextInput(),
            "outcome_measures": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, outcome, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.outcome = outcome
        if kind:
            self.instance.kind = kind
        if self.instance.kind == Action.Kind.CORE_ACTIVITY:
            self.fields["text"].label = "The core activity"
            self.fields["text"].help_text = ""
            del self.fields["outcome_measures"]
        elif outcome.plan.action_label:
            self.fields["text"].label = outcome.plan.action_label
        themes = Theme.objects.live().for_partnership(outcome.plan.group.partnership)
        if themes.exists():
            self.fields["themes"].queryset = themes
        else:
            del self.fields["themes"]

    def clean_themes(self):
        # Tags of deleted themes are kept (hidden), so restoring a theme brings them back.
        themes = list(self.cleaned_data["themes"])
        if self.instance.pk:
            themes += list(self.instance.themes.filter(deleted_at__isnull=False))
        return themes

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("number") and "text" not in self.errors:
            self.add_error("text", "Enter what we will do, or at least the action's number")
        return cleaned


class StepForm(EditForm):
    class Meta:
        model = Step
        fields = ["label", "text", "lead", "timeframe", "evidence", "note"]
        labels = {
            "label": "Label (optional)",
            "text": "What will be done",
            "lead": "Lead (optional)",
            "timeframe": "Timeframe (optional)",
            "evidence": "Impact and evidence (optional)",
            "note": "Note (optional)",
        }
        help_texts = {
            "label": "As the plan writes it, for example A. or b. Leave blank for a bullet.",
            "lead": LEAD_HINT,
            "timeframe": TIMEFRAME_HINT,
        }
        widgets = {
            "label": forms.TextInput(attrs={"class": "govuk-input--width-4"}),
            "text": forms.Textarea(attrs={"rows": 3}),
            "lead": forms.Textarea(attrs={"rows": 2}),
            "timeframe": forms.TextInput(),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"text": {"required": "Enter what will be done"}}

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action


class RiskForm(EditForm):
    class Meta:
        model = Risk
        fields = [
            "number",
            "concern",
            "risk_if_unresolved",
            "action_required",
            "by_whom",
            "by_when",
            "rating",
            "confidential",
        ]
        labels = {
            "number": "Number (optional)",
            "concern": "Concern",
            "risk_if_unresolved": "Risk if not resolved (optional)",
            "action_required": "Action required (optional)",
            "by_whom": "By whom (optional)",
            "by_when": "By when (optional)",
            "rating": "RAG rating (optional)",
            "confidential": "Confidential: only board members and staff may see it",
        }
        help_texts = {"by_when": "As written, for example 'March 2025'. A due date is derived."}
        widgets = {
            "number": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "concern": forms.Textarea(attrs={"rows": 3}),
            "risk_if_unresolved": forms.Textarea(attrs={"rows": 3}),
            "action_required": forms.Textarea(attrs={"rows": 3}),
            "by_whom": forms.TextInput(),
            "by_when": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        }
        error_messages = {
            "concern": {"required": "Enter the concern"},
            "rating": {"invalid_choice": "Choose one of the partnership's ratings"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        live = Q(deleted_at__isnull=True)
        if self.instance.rating_id:
            live |= Q(pk=self.instance.rating_id)
        field = self.fields["rating"]
        field.queryset = RagRating.objects.filter(live, partnership=partnership)
        field.empty_label = "No rating"


class MeasureValueForm(GovukForm, forms.ModelForm):
    """The latest figure or evidence for one of an action's outcome measures."""

    class Meta:
        model = MeasureValue
        fields = ["measure", "value", "given_on"]
        labels = {
            "measure": "Which measure",
            "value": "Its latest figure or evidence",
            "given_on": "Date it was given",
        }
        help_texts = {"value": "For example: 62% of families offered early help (Q2 data)."}
        widgets = {"measure": forms.RadioSelect, "value": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"given_on": PastDayField}
        error_messages = {
            "measure": {"required": "Choose the measure", "invalid_choice": "Choose a measure"},
            "value": {"required": "Enter the figure or evidence"},
            "given_on": {
                "required": "Enter the date it was given",
                "invalid": "Enter a real date",
                "too_late": "The date cannot be in the future",
            },
        }

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action
        lines = measure_lines(action.outcome_measures).splitlines()
        field = forms.ChoiceField(
            label=self.fields["measure"].label,
            choices=[(line, line) for line in lines],
            widget=forms.RadioSelect,
            error_messages=self.fields["measure"].error_messages,
        )
        self.fields["measure"] = field
        if len(lines) == 1:
            field.initial = lines[0]
        self.fields["given_on"].initial = timezone.localdate
