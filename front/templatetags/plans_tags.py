from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def rag(rating):
    """A rating as a tag in its partnership's colour (ratings.css), always with its word."""
    if not rating:
        return mark_safe('<strong class="app-rag app-rag--none">No update yet</strong>')  # noqa: S308
    return format_html('<strong class="app-rag app-rag--r{}">{}</strong>', rating.pk, rating.label)
