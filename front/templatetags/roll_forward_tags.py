from django import template

from actions.models import Action

register = template.Library()


@register.simple_tag
def carried_links(action):
    """The live action this one was rolled forward from, and the live ones rolled forward
    from it, each with its plan: {"came_from": action or None, "went_to": [actions]}.
    One query, or two when the action was carried from another."""
    live = (
        Action.objects.in_live_plans()
        .for_partnership(action.outcome.plan.group.partnership_id)
        .select_related("outcome__plan")
    )
    came_from = live.filter(pk=action.carried_from_id).first() if action.carried_from_id else None
    went_to = list(live.filter(carried_from=action.pk).order_by("outcome__plan__period", "pk"))
    return {"came_from": came_from, "went_to": went_to}
