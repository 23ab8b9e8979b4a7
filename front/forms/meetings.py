from django import forms

from front.forms.base import DayField, GovukForm, LoadedStateForm, offer_groups
from reporting import cycle_rules, meeting_dates
from reporting.models import Meeting
from reporting.update_cycle import period_of


class MeetingForm(LoadedStateForm, GovukForm, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "group",
            "held_on",
            "title",
            "reporting_period",
            "updates_open_on",
            "updates_due_on",
        ]
        labels = {
            "group": "Group that meets",
            "held_on": "Date of the meeting",
            "title": "Title (optional)",
            "reporting_period": "Reporting period (optional)",
            "updates_open_on": "Updates open on (optional)",
            "updates_due_on": "Deadline for updates (optional)",
        }
        help_texts = {
            "group": "A board meeting's pack covers every plan; a subgroup's, its own plans.",
            "held_on": "Its pack rates each action as it stood at the end of this day.",
            "title": "For example, Full Partnership – September. Leave blank for the group's name.",
            "reporting_period": "For example, Quarter 2, 2024-25.",
        }
        field_classes = dict.fromkeys(["held_on", "updates_open_on", "updates_due_on"], DayField)
        widgets = {
            "title": forms.TextInput(attrs={"spellcheck": "true"}),
            "reporting_period": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        }
        error_messages = {
            "group": {"required": "Choose the group that meets"},
            "held_on": {
                "required": "Enter the date of the meeting",
                "invalid": "Enter a real date",
            },
            "updates_open_on": {"invalid": "Enter a real date for updates to open"},
            "updates_due_on": {"invalid": "Enter a real date for the deadline"},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        current = self.instance.group if self.instance.group_id else None
        offer_groups(self.fields["group"], partnership, current=current)
        self.fields["updates_open_on"].help_text = (
            "The day leads are first emailed for their updates. Leave blank for "
            f"{days(partnership.updates_open_days)} before the meeting."
        )
        self.fields["updates_due_on"].help_text = (
            f"Leave blank for {days(partnership.updates_due_days)} before the meeting. Leads "
            f"still to update are reminded {days(partnership.reminder_days)} before it; the "
            "chair is sent the list of missing updates after it."
        )
        if self.instance.pk and not self.is_bound:
            # A meeting made before meetings had periods: offer the dates it has now.
            period = period_of(self.instance, partnership)
            for name, value in [("updates_open_on", period.opens), ("updates_due_on", period.due)]:
                if self.initial.get(name) is None:
                    self.initial[name] = value

    def clean(self):
        cleaned = super().clean()
        group, held_on = cleaned.get("group"), cleaned.get("held_on")
        opens, due = cleaned.get("updates_open_on"), cleaned.get("updates_due_on")
        if held_on and due and due > held_on:
            self.add_error("updates_due_on", "The deadline must be on or before the meeting")
        elif held_on and opens and opens > (due or held_on):
            self.add_error(
                "updates_open_on",
                "Updates must open on or before the deadline"
                if due
                else "Updates must open on or before the meeting",
            )
        if held_on and not self.errors:
            # A blank date is the partnership's default, so that every meeting has a period.
            period = cycle_rules.period_for(
                held_on,
                opens,
                due,
                open_days=self.partnership.updates_open_days,
                due_days=self.partnership.updates_due_days,
            )
            cleaned["updates_open_on"], cleaned["updates_due_on"] = period.opens, period.due
        if self.instance.locked and (
            (group and group != self.instance.group)
            or (held_on and held_on != self.instance.held_on)
        ):
            # Its kept pack says what stood on that day for that group's plans.
            self.add_error(
                "held_on" if held_on != self.instance.held_on else "group",
                "This meeting is locked, so its group and date cannot change: unlock it first",
            )
        if group and held_on:
            clash = Meeting.objects.filter(group=group, held_on=held_on).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "held_on",
                    "This group already has a meeting on this date: choose another date, "
                    "or change that meeting",
                )
        return cleaned


def days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


class CalendarForm(GovukForm, forms.Form):
    """A group's meetings for the year, one date a line, each with its period."""

    group = forms.ModelChoiceField(
        queryset=None,
        label="Group that meets",
        error_messages={"required": "Choose the group that meets"},
    )
    dates = forms.CharField(
        label="Dates of the meetings",
        help_text="One a line.",  # said in full, with the partnership's numbers, in __init__
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        error_messages={"required": "Enter the dates of the meetings, one a line"},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        offer_groups(self.fields["group"], partnership)
        self.fields["dates"].help_text = (
            "One a line, for example 15/09/2024, 15 September 2024 or 2024-09-15. Each "
            f"meeting's updates open {days(partnership.updates_open_days)} before it and are "
            f"due {days(partnership.updates_due_days)} before it; change them on each "
            "meeting's page."
        )

    def clean_dates(self):
        dates, errors = meeting_dates.parse_calendar(self.cleaned_data["dates"])
        if errors:
            raise forms.ValidationError([str(error) for error in errors])
        if not dates:
            raise forms.ValidationError("Enter the dates of the meetings, one a line")
        return dates

    def clean(self):
        cleaned = super().clean()
        group, dates = cleaned.get("group"), cleaned.get("dates")
        if group and dates:
            taken = set(
                Meeting.objects.filter(group=group, held_on__in=[d for _, d in dates]).values_list(
                    "held_on", flat=True
                )
            )
            clashes = [
                str(
                    meeting_dates.LineError(n, f"{group.short_name} already meets on {d:%-d %B %Y}")
                )
                for n, d in dates
                if d in taken
            ]
            if clashes:
                self.add_error("dates", clashes)
        return cleaned

    @property
    def meeting_dates(self) -> list:
        return [date for _, date in self.cleaned_data["dates"]]


class CoverReportForm(LoadedStateForm, GovukForm, forms.ModelForm):
    """The cover report staff write for a meeting's board: the pack's first pages."""

    class Meta:
        model = Meeting
        fields = ["purpose", "key_messages", "board_asked_to"]
        labels = {
            "purpose": "Purpose of the report",
            "key_messages": "Key messages",
            "board_asked_to": "The board is asked to",
        }
        help_texts = {
            "purpose": "For example: to update the board on progress against the business "
            "plan in Quarter 2.",
            "key_messages": "What the board should take from the pack, one message a line.",
            "board_asked_to": "One request a line, for example: note the progress; agree the "
            "escalation of action 2.1.",
        }
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "key_messages": forms.Textarea(attrs={"rows": 6}),
            "board_asked_to": forms.Textarea(attrs={"rows": 4}),
        }
