"""Renaming a lead record, and merging one into another (actions.lead_records)."""

from django import forms

from front.forms.base import GovukForm


class RenameForm(GovukForm, forms.Form):
    name = forms.CharField(
        label="New name",
        max_length=200,
        error_messages={"required": "Enter the new name"},
    )

    def __init__(self, *args, kind, record, **kwargs):
        super().__init__(*args, initial={"name": record.name}, **kwargs)
        self.kind, self.record = kind, record

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        others = self.kind.model.objects.filter(partnership=self.record.partnership_id)
        taken = others.exclude(pk=self.record.pk).filter(name__iexact=name).first()
        if taken is not None:
            raise forms.ValidationError(
                f"There is already a {self.kind.noun} called “{taken.name}”: merge into it instead"
            )
        return name


class MergeForm(GovukForm, forms.Form):
    into = forms.ModelChoiceField(
        queryset=None,
        label="Merge into",
        empty_label="Choose one",
        error_messages={
            "required": "Choose the record to merge into",
            "invalid_choice": "Choose one of this partnership's records",
        },
    )

    def __init__(self, *args, kind, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = others
        self.fields["into"].help_text = f"Another {kind.noun} of the partnership."
        self.style_fields()
