"""What every form shares: GOV.UK Frontend's classes and error styles on each widget, the
version an edit form was loaded at (a stale save is refused: plans.staff_writes), uniqueness
within a partnership, and the groups a partnership's plans and members belong to."""

from django import forms
from django.db.models import Q

from plans.models import Group

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.PasswordInput: "govuk-input govuk-input--width-20",
}
ERROR_CLASSES = {"govuk-textarea", "govuk-select", "govuk-input"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class GovukForm:
    """Mixin: GOV.UK classes and aria-describedby on every widget, error styles after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            for widget_class, css in WIDGET_CLASSES.items():
                if isinstance(widget, widget_class) and not isinstance(
                    widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
                ):
                    widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
                    break
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            base = widget.attrs.get("class", "").split()
            if base and base[0] in ERROR_CLASSES:
                widget.attrs["class"] = " ".join([*base, f"{base[0]}--error"])
            described = widget.attrs.get("aria-describedby", "")
            widget.attrs["aria-describedby"] = (
                f"{described} id_{self.add_prefix(name)}-error".strip()
            )


class EditForm(GovukForm, forms.ModelForm):
    """A form for a Tracked object: it carries the version the user loaded (see editing)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This form is out of date: open the page again",
            "invalid": "This form is out of date: open the page again",
            "min_value": "This form is out of date: open the page again",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version


def check_unique(form, field: str, queryset, noun: str, value=None) -> None:
    """Refuse a value another live or deleted object of the partnership already has."""
    value = form.cleaned_data.get(field) if value is None else value
    if not value:
        return
    clash = (
        queryset.filter(**{f"{field}__iexact": value})
        .exclude(pk=form.instance.pk)
        .only("deleted_at")
        .first()
    )
    if clash is None:
        return
    if clash.deleted_at:
        form.add_error(
            field,
            f"A deleted {noun} has this {form.fields[field].label.lower()}: restore it from "
            f"Recently deleted in Settings, or choose another",
        )
    else:
        form.add_error(
            field, f"Another {noun} has this {form.fields[field].label.lower()}: choose another"
        )


def partnership_groups(partnership, *, current=None):
    """Groups that own plans and have members: the board, subgroups and task groups."""
    groups = Group.objects.for_partnership(partnership).exclude(kind=Group.Kind.PARTNER_BODY)
    live = Q(deleted_at__isnull=True)
    if current is not None:
        live |= Q(pk=current.pk)
    return groups.filter(live)


def offer_groups(field, partnership, *, current=None):
    """Make field a choice of the partnership's groups that own plans (partnership_groups)."""
    field.queryset = partnership_groups(partnership, current=current)
    field.empty_label = "Choose a group"
    field.error_messages["invalid_choice"] = "Choose one of the partnership's groups"
