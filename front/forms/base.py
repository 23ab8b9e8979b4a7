"""What every form shares: GOV.UK Frontend's classes and error styles on each widget, the
version an edit form was loaded at (a stale save is refused: plans.staff_writes), uniqueness
within a partnership, and the groups a partnership's plans and members belong to."""

import datetime
import hashlib
import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from plans.models import Group

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.PasswordInput: "govuk-input govuk-input--width-20",
}
ERROR_CLASSES = {"govuk-textarea", "govuk-select", "govuk-input"}


class GovukDateInput(forms.MultiWidget):
    """GOV.UK's date input: the day, month and year in three boxes (the browser's own date
    field shows 12/06/2026 in a US-locale browser, and cannot be read out the same way
    everywhere). A form, a link or a script may still send the date as one YYYY-MM-DD field
    of the date's own name (the dashboard's links to filtered lists do)."""

    input_type = "govuk-date"  # forms/field.html puts it in a fieldset
    template_name = "forms/widgets/govuk_date_input.html"
    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part, *_ in self.PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        """[day, month, year]: of a date, or of what was typed (kept, to be corrected)."""
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str):
            if match := re.fullmatch(r"\s*(\d+)-(\d+)-(\d+)\s*", value):
                year, month, day = match.groups()
                return [day, month, year]
            if match := re.fullmatch(r"\s*(\d+)/(\d+)/(\d+)\s*", value):
                return list(match.groups())
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        day, month, year = (data.get(f"{name}_{part}", "").strip() for part, *_ in self.PARTS)
        if not (day or month or year):
            return ""
        return f"{year}-{month.zfill(2)}-{day.zfill(2)}"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part, *_ in self.PARTS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (_, label, width) in zip(
            context["widget"]["subwidgets"], self.PARTS, strict=True
        ):
            subwidget["label"] = label
            subwidget["width"] = width
        return context


# The days the app works with. Python's dates run from year 1 to 9999, and a day at either
# end breaks arithmetic on it (the audit log's "to" day plus one); no plan, update or meeting
# is from before 2000, and none is planned more than ten years ahead.
EARLIEST_DAY = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10


def latest_day() -> datetime.date:
    return datetime.date(timezone.localdate().year + YEARS_AHEAD, 12, 31)


class DayField(forms.DateField):
    """A date within the days the app works with, typed as the date input sends it. A form
    may word the refusals (error_messages "too_early" and "too_late")."""

    widget = GovukDateInput
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "too_early": "Enter a date from %(earliest)s to %(latest)s",
        "too_late": "Enter a date from %(earliest)s to %(latest)s",
    }

    def latest(self) -> datetime.date:
        return latest_day()

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        latest = self.latest()
        years = {"earliest": EARLIEST_DAY.year, "latest": latest.year}
        if value < EARLIEST_DAY:
            raise ValidationError(self.error_messages["too_early"], "too_early", years)
        if value > latest:
            raise ValidationError(self.error_messages["too_late"], "too_late", years)


class PastDayField(DayField):
    """A day from 2000 to today."""

    default_error_messages = {"too_late": "Enter today or a day in the past"}

    def latest(self) -> datetime.date:
        return timezone.localdate()


# The largest id the database holds (a 64-bit integer). A larger one in an address names
# nothing, and SQLite cannot even compare it (OverflowError): refused before the query.
LARGEST_ID = 2**63 - 1


class IdsInRange:
    """Mixin for a choice of several objects by id (a ModelMultipleChoiceField): an id out of
    the database's range is refused as any unknown one is."""

    def clean(self, value):
        for pk in value or []:
            if str(pk).isdigit() and int(pk) > LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class GovukForm:
    """Mixin: GOV.UK classes and aria-describedby on every widget, error styles after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """The GOV.UK classes and hints' ids (again, for a form that adds fields later)."""
        for name, field in self.fields.items():
            widget = field.widget
            for widget_class, css in WIDGET_CLASSES.items():
                if isinstance(widget, widget_class) and not isinstance(
                    widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
                ):
                    classes = widget.attrs.get("class", "").split()
                    if css not in classes:
                        widget.attrs["class"] = " ".join([css, *classes])
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


OUT_OF_DATE = "This form is out of date: open the page again"


class EditForm(GovukForm, forms.ModelForm):
    """A form for a Tracked object: it carries the version the user loaded (see editing)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=dict.fromkeys(["required", "invalid", "min_value"], OUT_OF_DATE),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version


class LoadedStateForm:
    """Mixin for the edit form of something that keeps no version (a meeting, a membership,
    the partnership's update cycle): the form carries a hash of what it showed when it was
    loaded (the hidden field "loaded"), so that a save over someone else's later one is
    refused, as an action's is (front.edit_pages.save_if_as_loaded).

    state(obj) is what the form shows of obj: by default its fields that are the model's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.edited().pk is None:
            return  # a new one: nobody else can have saved it
        self.fields["loaded"] = forms.CharField(
            widget=forms.HiddenInput,
            error_messages={"required": OUT_OF_DATE},
            initial=self.state_hash(self.edited()),
        )

    def edited(self):
        return self.instance

    def state(self, obj) -> dict:
        names = {field.name for field in obj._meta.get_fields()}
        return {name: getattr(obj, name) for name in self.fields if name in names}

    def state_hash(self, obj) -> str:
        values = {}
        for name, value in self.state(obj).items():
            if hasattr(value, "all"):  # a many-to-many field's manager: the ids it links
                value = sorted(value.all().values_list("pk", flat=True))
            values[name] = getattr(value, "pk", value)
        text = json.dumps(values, default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


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


class MoveForm(GovukForm, forms.Form):
    """Where in its list to put an object: first, or after one of the others (place 1 is
    first), the place it holds now chosen to start with."""

    place = forms.TypedChoiceField(
        label="Where should it go?", coerce=int, widget=forms.RadioSelect, empty_value=None
    )

    def __init__(self, *args, items, obj, describe, **kwargs):
        super().__init__(*args, **kwargs)
        others = [item for item in items if item.pk != obj.pk]
        choices = [(1, f"First, before {describe(others[0])}" if others else "First")]
        choices += [(i + 2, f"After {describe(item)}") for i, item in enumerate(others)]
        self.fields["place"].choices = choices
        self.fields["place"].error_messages["required"] = "Choose where it should go"
        self.fields["place"].error_messages["invalid_choice"] = "Choose where it should go"
        self.initial.setdefault("place", [item.pk for item in items].index(obj.pk) + 1)
