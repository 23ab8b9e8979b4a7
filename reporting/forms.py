from django import forms

from plans.forms import DateInput, GovukForm, partnership_groups
from reporting.models import Meeting


class MeetingForm(GovukForm, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["group", "held_on", "title", "reporting_period"]
        labels = {
            "group": "Group that meets",
            "held_on": "Date of the meeting",
            "title": "Title (optional)",
            "reporting_period": "Reporting period (optional)",
        }
        help_texts = {
            "group": "A board meeting's pack covers every plan; a subgroup's, its own plans.",
            "held_on": "Its pack rates each action as it stood at the end of this day.",
            "title": "For example, Full Partnership – September. Leave blank for the group's name.",
            "reporting_period": "For example, Quarter 2, 2024-25.",
        }
        widgets = {
            "held_on": DateInput,
            "title": forms.TextInput(attrs={"spellcheck": "true"}),
            "reporting_period": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        }
        error_messages = {
            "group": {
                "required": "Choose the group that meets",
                "invalid_choice": "Choose one of the partnership's groups",
            },
            "held_on": {
                "required": "Enter the date of the meeting",
                "invalid": "Enter a real date",
            },
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.group if self.instance.group_id else None
        self.fields["group"].queryset = partnership_groups(partnership, current=current)
        self.fields["group"].empty_label = "Choose a group"

    def clean(self):
        cleaned = super().clean()
        group, held_on = cleaned.get("group"), cleaned.get("held_on")
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
