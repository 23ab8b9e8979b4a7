from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders every form field with GOV.UK Frontend's markup (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
