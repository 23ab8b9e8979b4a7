from django import template
from django.utils.safestring import mark_safe

from actions.review import waiting_counts
from front import plan_table
from plans import levels
from plans.badges import rating_badge

register = template.Library()


@register.simple_tag
def rag(rating):
    """A rating as a tag in its partnership's colour (ratings.css), always with its word."""
    return mark_safe(rating_badge(rating))  # noqa: S308 - rating_badge escapes the label


@register.simple_tag
def step_html(step):
    """A step's label, text, timeframe, lead and evidence, as on the plan page."""
    return mark_safe(plan_table.step_html(step))  # noqa: S308 - step_html escapes every value


@register.filter
def split(text, separator="|"):
    """Text such as "Date|Rating|Commentary" as a list, for includes that take a list."""
    return str(text).split(separator)


@register.filter
def with_article(name):
    """ "an impact", "a strategic priority": a plan's level name in a sentence."""
    return levels.with_article(name)


@register.simple_tag
def reviews_menu_text(access) -> str:
    """The menu's link to the reviews, with how many updates wait for this reviewer in this
    partnership (one query): "Reviews (3)"."""
    waiting = waiting_counts(access.user, [access]).get(access.partnership.pk, 0)
    return f"Reviews ({waiting})" if waiting else "Reviews"
