"""Fields that several apps' models declare alike, each rule said once.

Functions returning fields (not abstract models) so that each model keeps its own field
order, related name and help text, and its migrations stay as they are.
"""

from django.conf import settings
from django.db import models


def optional_user(related_name: str, **options) -> models.ForeignKey:
    """A sign-in that did something or is linked to a row, emptied (not deleting the row) when
    the account is deleted: the record outlives the person's account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        **options,
    )


def rolled_forward_from(help_text: str) -> models.ForeignKey:
    """The earlier plan (or an earlier plan's action) that this one continues, set by the
    year-end roll-forward (actions.roll_forward); the earlier one's reverse name is
    `carried_to`."""
    return models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_to",
        help_text=help_text,
    )
