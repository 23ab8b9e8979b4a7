from django import forms
from django.core.validators import MaxValueValidator
from django.template.defaultfilters import pluralize

from front.forms.base import (
    DayField,
    EditForm,
    GovukForm,
    LoadedStateForm,
    check_unique,
    offer_groups,
)
from plans.models import (
    Group,
    Outcome,
    Partnership,
    Plan,
    Priority,
    RagRating,
    Theme,
    hex_colour,
    system_words_in,
)


class PlanForm(EditForm):
    class Meta:
        model = Plan
        fields = [
            "group",
            "title",
            "period",
            "status",
            "version_label",
            "agreed_on",
            "issued_under",
            "has_priorities",
            "priority_label",
            "has_outcomes",
            "outcome_label",
            "action_label",
            "introduction",
            "notes",
            "appendices",
        ]
        labels = {
            "group": "Group that owns the plan",
            "title": "Title",
            "period": "Period",
            "status": "Status",
            "version_label": "Version (optional)",
            "agreed_on": "Date agreed (optional)",
            "issued_under": "Issued under another name (optional)",
            "has_priorities": "The plan has priorities (its top level)",
            "has_outcomes": "The plan has outcomes (a level between priorities and actions)",
            "introduction": "Introduction (optional)",
            "notes": "Notes (optional)",
            "appendices": "Appendices (optional)",
            "priority_label": "What the plan calls a priority (optional)",
            "outcome_label": "What the plan calls an outcome (optional)",
            "action_label": "What the plan calls an action (optional)",
        }
        help_texts = {
            "title": "For example, Effective Safeguarding and Support Subgroup work plan.",
            "agreed_on": "Only for an agreed or archived plan.",
            "priority_label": "For example, Priority objective. Leave blank for 'Priority'.",
            "outcome_label": "For example, Impact statement. Leave blank for 'Outcome'.",
            "action_label": "For example, What we will do. Leave blank for 'Action'.",
            "issued_under": (
                "The partnership's name when the plan was issued, if it has changed since: "
                "its packs print that name."
            ),
            "has_priorities": "For example, strategic priorities or priority objectives.",
            "has_outcomes": (
                "For example, impact statements or improvement areas. Without them, actions "
                "sit straight under their priority."
            ),
            "introduction": "Printed before the plan's table, as are its notes and appendices.",
        }
        field_classes = {"agreed_on": DayField}
        widgets = {
            "status": forms.RadioSelect,
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "appendices": forms.Textarea(attrs={"rows": 4}),
            "title": forms.TextInput(attrs={"spellcheck": "true"}),
        }
        error_messages = {
            "group": {"required": "Choose the group that owns the plan"},
            "title": {"required": "Enter the plan's title"},
            "period": {"required": "Enter the period the plan covers, for example 2024-25"},
            "status": {"required": "Choose the plan's status"},
            "agreed_on": {"invalid": "Enter a real date"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.group if self.instance.group_id else None
        offer_groups(self.fields["group"], partnership, current=current)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Plan.Status.DRAFT and cleaned.get("agreed_on"):
            self.add_error(
                "agreed_on", "A draft plan has no agreed date: remove the date, or choose Agreed"
            )
        self.check_levels_emptied(cleaned)
        return cleaned

    def check_levels_emptied(self, cleaned) -> None:
        """A level can be switched off only once nothing is left in it: nothing is hidden."""
        plan = self.instance
        if plan.pk is None:
            return
        if "has_priorities" in cleaned and not cleaned["has_priorities"]:
            count = plan.priorities.live().count()
            if count:
                self.add_error(
                    "has_priorities",
                    f"This plan has {count} {plan.priority_name}{pluralize(count)}: delete "
                    "them first, or keep this ticked",
                )
        if "has_outcomes" in cleaned and not cleaned["has_outcomes"]:
            stated = plan.outcomes.live().exclude(number="", text="").count()
            if stated:
                self.add_error(
                    "has_outcomes",
                    f"This plan has {stated} {plan.outcome_name}{pluralize(stated)} with "
                    "words or numbers: delete them first, or keep this ticked",
                )


class PriorityForm(EditForm):
    class Meta:
        model = Priority
        fields = ["number", "title", "overarching"]
        labels = {
            "number": "Number (optional)",
            "title": "Title",
            "overarching": "Overarching: above the plan's other priorities",
        }
        help_texts = {
            "number": "As the plan writes it, for example 1 or 2a.",
            "overarching": "Shown first, spanning the others.",
        }
        widgets = {
            "number": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "title": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"title": {"required": "Enter the priority's title"}}


class OutcomeForm(EditForm):
    class Meta:
        model = Outcome
        fields = ["priority", "number", "text", "note"]
        labels = {
            "priority": "Priority",
            "number": "Number (optional)",
            "text": "What will success look like?",
            "note": "Note (optional)",
        }
        help_texts = {
            "number": "As the plan writes it, for example 1 or 1.1. Leave blank if unnumbered.",
            "note": "For example, what was done to text that was corrupted in the source.",
        }
        widgets = {
            "number": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "text": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "priority": {
                "required": "Choose the priority this outcome comes under",
                "invalid_choice": "Choose one of this plan's priorities",
            }
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        if plan.outcome_label:
            self.fields["text"].label = plan.outcome_label
        priorities = plan.priorities.live()
        if priorities.exists():
            field = self.fields["priority"]
            field.queryset = priorities
            field.required = True
            field.empty_label = "Choose a priority"
            field.label = plan.priority_label or "Priority"
        else:
            del self.fields["priority"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("number") and "text" not in self.errors:
            self.add_error("text", "Enter what success will look like")
        return cleaned


class ThemeForm(EditForm):
    class Meta:
        model = Theme
        fields = ["code", "name", "short_name", "description"]
        labels = {
            "code": "Code",
            "name": "Name",
            "short_name": "Short name (optional)",
            "description": "Description (optional)",
        }
        help_texts = {
            "code": "As the partnership letters it, for example A.",
            "short_name": "Shown where space is short, for example Think Family.",
        }
        widgets = {
            "code": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "code": {"required": "Enter the theme's code, for example A"},
            "name": {"required": "Enter the theme's name"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership

    def clean(self):
        cleaned = super().clean()
        check_unique(
            self, "code", Theme.objects.for_partnership(self.instance.partnership), "theme"
        )
        return cleaned


class RatingForm(EditForm):
    class Meta:
        model = RagRating
        fields = ["label", "scale", "definition", "colour"]
        labels = {
            "label": "Label",
            "scale": "Where it sits on the common scale",
            "definition": "Definition (optional)",
            "colour": "Colour (optional)",
        }
        help_texts = {
            "label": "The partnership's word, for example Amber or On track.",
            "scale": "Reports count ratings on this scale, so plans with different "
            "schemes can be compared.",
            "definition": "What the rating means, as the partnership defines it.",
            "colour": "Pick it, or type it as # and six hex digits, for example #f47738. "
            "Leave blank for the standard colour of the scale.",
        }
        widgets = {
            "scale": forms.RadioSelect,
            "definition": forms.Textarea(attrs={"rows": 3}),
            # data-colour-picker: app.mjs adds the browser's colour picker beside it.
            "colour": forms.TextInput(
                attrs={
                    "class": "govuk-input--width-10",
                    "spellcheck": "false",
                    "data-colour-picker": "",
                }
            ),
        }
        error_messages = {
            "label": {"required": "Enter the rating's label"},
            "scale": {"required": "Choose where the rating sits on the common scale"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["scale"].choices = RagRating.Scale.choices
        self.fields["colour"].required = False

    def clean_colour(self):
        colour = self.cleaned_data["colour"].strip().lower()
        if not colour:
            return RagRating.SCALE_COLOURS.get(self.cleaned_data.get("scale"), "")
        if not hex_colour.regex.match(colour):
            raise forms.ValidationError(
                "Enter the colour as # and six hex digits, for example #f47738"
            )
        return colour

    def clean_label(self):
        label = self.cleaned_data["label"]
        if words := system_words_in(label):
            raise forms.ValidationError(
                f"Choose another label: {words} is what the app itself says of an action, "
                "beside its rating, and a board would take one for the other"
            )
        return label

    def clean(self):
        cleaned = super().clean()
        ratings = RagRating.objects.for_partnership(self.instance.partnership)
        check_unique(self, "label", ratings, "rating")
        return cleaned


class GroupForm(EditForm):
    class Meta:
        model = Group
        fields = ["name", "short_name", "kind", "aliases"]
        labels = {
            "name": "Name",
            "short_name": "Short name",
            "kind": "Kind of group",
            "aliases": "Other names (optional)",
        }
        help_texts = {
            "short_name": "As plans abbreviate it, for example ESS or PMQA.",
            "aliases": "Other ways plans write this group's name, one per line. Leads that "
            "use them are linked to the group.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "aliases": forms.Textarea(attrs={"rows": 4}),
            "short_name": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        }
        error_messages = {
            "name": {"required": "Enter the group's name"},
            "short_name": {"required": "Enter the group's short name, for example ESS"},
            "kind": {"required": "Choose the kind of group"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership

    def clean_aliases(self):
        lines = [line.strip() for line in self.cleaned_data["aliases"].splitlines()]
        return "\n".join(dict.fromkeys(line for line in lines if line))

    def clean(self):
        cleaned = super().clean()
        groups = Group.objects.for_partnership(self.instance.partnership)
        check_unique(self, "name", groups, "group")
        check_unique(self, "short_name", groups, "group")
        return cleaned


class RollForwardForm(GovukForm, forms.Form):
    """Year end: the new plan's title and period, the actions it carries, and whether to
    renumber them (actions.roll_forward). The actions' checkboxes are laid out by the page,
    grouped by outcome with each action's rating and timeframe."""

    title = forms.CharField(
        label="Title of the new plan",
        max_length=300,
        error_messages={"required": "Enter the new plan's title"},
        widget=forms.TextInput(attrs={"spellcheck": "true"}),
    )
    period = forms.CharField(
        label="Period",
        max_length=40,
        help_text="For example, 2025-26.",
        error_messages={"required": "Enter the period the new plan covers, for example 2025-26"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    actions = forms.TypedMultipleChoiceField(
        label="Actions to carry forward",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one action to carry forward",
            "invalid_choice": "Choose actions of this plan: the page may be out of date, "
            "open it again",
        },
    )
    renumber = forms.BooleanField(
        label="Renumber the actions",
        required=False,
        help_text="Number the new plan's outcomes 1, 2, 3 and their actions 1.1, 1.2 in "
        "their new order. Leave unticked to keep every number as it is written now.",
    )

    def __init__(self, *args, plan, action_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["actions"].choices = [(pk, pk) for pk in action_ids]

    def clean(self):
        cleaned = super().clean()
        title, period = cleaned.get("title"), cleaned.get("period")
        if title and period:
            clash = Plan.objects.live().filter(
                group=self.plan.group_id, title__iexact=title, period__iexact=period
            )
            if clash.exists():
                self.add_error(
                    "period",
                    f"{self.plan.group.name} already has a plan with this title for {period}: "
                    "choose another period or title",
                )
        return cleaned


class UpdateCycleForm(LoadedStateForm, GovukForm, forms.ModelForm):
    """The partnership's update cycle: how long before each meeting updates open and are due,
    and when leads still to update are reminded (reporting.cycle_rules)."""

    class Meta:
        model = Partnership
        fields = ["updates_open_days", "updates_due_days", "reminder_days"]
        labels = {
            "updates_open_days": "Updates open this many days before a meeting",
            "updates_due_days": "Updates are due this many days before a meeting",
            "reminder_days": "Reminders go this many days before the deadline",
        }
        help_texts = {
            "updates_open_days": "Leads and chairs are first emailed on that day.",
            "updates_due_days": "The deadline: the chair is sent the list of missing updates "
            "the day after it.",
            "reminder_days": "To the leads who have not yet given their updates.",
        }
        error_messages = {
            name: {
                "required": "Enter a number of days",
                "invalid": "Enter a whole number of days, for example 10",
                "min_value": "Enter 0 days or more",
            }
            for name in ["updates_open_days", "updates_due_days", "reminder_days"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            field = self.fields[name]
            field.validators.append(MaxValueValidator(CYCLE_MAX_DAYS, LONGEST))
            field.widget.attrs.update({"max": CYCLE_MAX_DAYS, "inputmode": "numeric"})

    def clean(self):
        cleaned = super().clean()
        opens, due = cleaned.get("updates_open_days"), cleaned.get("updates_due_days")
        if opens is not None and due is not None and opens < due:
            self.add_error(
                "updates_open_days",
                f"Updates must open on or before the day they are due: enter at least {due} days",
            )
        return cleaned


CYCLE_MAX_DAYS = 365
LONGEST = f"Enter {CYCLE_MAX_DAYS} days or fewer"


class MarkingForm(LoadedStateForm, GovukForm, forms.ModelForm):
    """The protective marking every page of the partnership's packs carries."""

    class Meta:
        model = Partnership
        fields = ["protective_marking"]
        labels = {"protective_marking": "Protective marking of the packs"}
        help_texts = {
            "protective_marking": "Printed at the top and bottom of every page of the PDF "
            "packs, and in the Excel reports' page headers and footers. Packs hold names and "
            "commentary about safeguarding work: most partnerships mark them OFFICIAL-SENSITIVE."
        }
        widgets = {"protective_marking": forms.RadioSelect}


class SingleSignOnForm(LoadedStateForm, GovukForm, forms.ModelForm):
    """Whether the partnership's members may sign in with the deployment's single sign-on."""

    class Meta:
        model = Partnership
        fields = ["single_sign_on"]
        labels = {"single_sign_on": "Members may sign in with their organisation's account"}
        help_texts = {
            "single_sign_on": "Only members (and invited members) whose email address the "
            "organisation's sign-in confirms. Everyone keeps their password and two-step "
            "verification."
        }
