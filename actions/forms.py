from django import forms
from django.utils import timezone

from actions.models import ProgressUpdate
from plans.forms import DateInput, GovukForm
from plans.models import RagRating


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


class ProgressUpdateForm(GovukForm, forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["rating", "commentary", "evidence", "reported_on"]
        labels = {
            "rating": "Rating",
            "commentary": "What has happened since the last update?",
            "evidence": "Evidence (optional)",
            "reported_on": "Date of this update",
        }
        help_texts = {
            "commentary": "One or two sentences for the board: progress, and any blockers.",
            "evidence": "Reports, audits, figures or links that show the progress.",
        }
        widgets = {
            "commentary": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "reported_on": DateInput,
        }
        error_messages = {
            "rating": {"required": "Choose a rating"},
            "commentary": {"required": "Enter a line of commentary"},
            "reported_on": {
                "required": "Enter the date of this update",
                "invalid": "Enter a real date",
            },
        }

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action
        ratings = RagRating.objects.filter(
            partnership=action.outcome.plan.group.partnership, deleted_at__isnull=True
        )
        field = self.fields["rating"]
        field.queryset = ratings
        field.empty_label = None
        field.widget = RatingRadios(definitions={r.pk: r.definition for r in ratings})
        field.widget.choices = field.choices
        self.fields["reported_on"].initial = timezone.localdate

    def clean_reported_on(self):
        reported_on = self.cleaned_data["reported_on"]
        if reported_on > timezone.localdate():
            raise forms.ValidationError("The date of this update cannot be in the future")
        return reported_on
