from django.db import models

from plans.models import Group


class Meeting(models.Model):
    """A meeting of a group (a board meeting, a subgroup meeting) that progress is reported to."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    reporting_period = models.CharField(
        max_length=100, blank=True, help_text="e.g. Quarter 2, 2024-25"
    )

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["group", "held_on"], name="one_meeting_a_day_per_group")
        ]

    def __str__(self):
        return f"{self.title or self.group.short_name} – {self.held_on:%d %B %Y}"
