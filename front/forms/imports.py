"""The form that uploads a plan's spreadsheet and says what to do with it."""

from django import forms

from front.forms.base import GovukForm, partnership_groups
from plans.models import Plan
from reporting.plan_reading import read_plan
from reporting.uploads import MAX_UPLOAD_BYTES, UploadError, megabytes, read_upload
from reporting.word_plans import (
    MAPPABLE,
    UnrecognisedColumns,
    is_word_document,
    read_word_plan,
    theme_codes,
)

NEW = "new"
REPLACE = "replace"


def too_big_message() -> str:
    return (
        f"The file is larger than {megabytes(MAX_UPLOAD_BYTES)}: a plan's spreadsheet is much "
        "smaller. Check you chose the right file."
    )


class ImportForm(GovukForm, forms.Form):
    file = forms.FileField(
        label="Plan file",
        help_text=f"An Excel workbook (.xlsx) or a CSV file in the layout of the template, or "
        f"the plan as it is kept in Word (.docx): at most {megabytes(MAX_UPLOAD_BYTES)}.",
        widget=forms.FileInput(attrs={"class": "govuk-file-upload"}),
        error_messages={
            "required": "Choose the plan file to import",
            "empty": "The file is empty.",
            "invalid": "Choose the plan file to import",
        },
    )
    mode = forms.ChoiceField(
        label="What should the import do?",
        choices=[(NEW, "Create a new plan"), (REPLACE, "Replace the content of a plan")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to create a new plan or replace a plan"},
    )
    group = forms.ModelChoiceField(
        queryset=None, required=False, label="Group that owns the new plan"
    )
    title = forms.CharField(
        required=False,
        max_length=300,
        label="Title of the new plan",
        help_text="For example, Effective Safeguarding and Support Subgroup work plan.",
    )
    period = forms.CharField(
        required=False,
        max_length=40,
        label="Period of the new plan",
        help_text="As written, for example 2024-25.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    plan = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Plan to replace",
        help_text="Its priorities, outcomes, actions and steps become those of the file. "
        "Actions that stay keep their progress updates; what the file leaves out is deleted "
        "and can be restored from Recently deleted.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.problems = []  # every error found in the file, for the page to list
        self.sheet = None
        self.unmapped = None  # a Word plan's tables whose columns the user is to name
        self.fields["group"].queryset = partnership_groups(partnership)
        self.fields["group"].empty_label = "Choose a group"
        self.fields["plan"].queryset = (
            Plan.objects.live().for_partnership(partnership).select_related("group")
        )
        self.fields["plan"].empty_label = "Choose a plan"

    def full_clean(self):
        super().full_clean()
        if "file" in self.errors:
            widget = self.fields["file"].widget
            widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if getattr(upload, "too_big", False) or upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_big_message())
        content = upload.read()
        try:
            if is_word_document(content) or upload.name.lower().endswith((".doc", ".docx")):
                themes = theme_codes(self.partnership)
                self.sheet = read_word_plan(content, themes).sheet
            else:
                self.sheet = read_upload(content)
        except UnrecognisedColumns as unrecognised:
            self.unmapped = unrecognised.unmapped  # the user names the columns next
        except UploadError as error:
            raise forms.ValidationError(error.message) from error
        return upload

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("mode")
        if mode == NEW:
            required = {
                "group": "Choose the group that owns the new plan",
                "title": "Enter the new plan's title",
                "period": "Enter the period the new plan covers, for example 2024-25",
            }
            for name, message in required.items():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif mode == REPLACE and not cleaned.get("plan") and "plan" not in self.errors:
            self.add_error("plan", "Choose the plan to replace")
        if self.sheet is not None:
            data, problems = read_plan(self.sheet, self.partnership)
            if problems:
                self.problems = [str(problem) for problem in problems]
                count = len(problems)
                self.add_error(
                    "file",
                    f"The file has {count} problem{'s' if count != 1 else ''}, listed below: "
                    "nothing has been imported. Correct the file and upload it again.",
                )
        return cleaned


class ColumnMappingForm(GovukForm, forms.Form):
    """What each column of a Word plan's table holds, when its headings did not say."""

    def __init__(self, *args, tables, **kwargs):
        super().__init__(*args, **kwargs)
        self.tables = tables
        examples = tables.examples()
        for index, heading in enumerate(tables.headings):
            example = examples[index]
            hint = f"For example: “{example[:80]}”" if example else "Its cells are empty."
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=f"Column {index + 1}: {heading or '(no heading)'}",
                help_text=hint,
                choices=MAPPABLE,
                required=False,
                initial=tables.detected.get(index, ""),
            )
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        named = {}
        for index in range(len(self.tables.headings)):
            key = cleaned.get(f"column_{index}")
            if not key:
                continue
            if key in named:
                words = dict(MAPPABLE)[key]
                self.add_error(
                    f"column_{index}",
                    f"Column {named[key] + 1} already holds the {words.lower()}: choose "
                    "something else, or Not imported",
                )
            else:
                named[key] = index
        if not {"action", "step"} & set(named) and not self.errors:
            self.add_error(
                "column_0",
                "Choose the column that holds the actions: without it nothing can be imported",
            )
        return cleaned

    def mapping(self) -> dict[int, str]:
        return {
            index: key
            for index in range(len(self.tables.headings))
            if (key := self.cleaned_data.get(f"column_{index}"))
        }
