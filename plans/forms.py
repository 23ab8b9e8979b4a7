from django import forms

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
