"""How fast one person may save: far faster than anyone saves by hand, so that only a script
meets the limit (60 progress updates to one action in 6 seconds were all accepted).

Counted in the database, not a cache: the app runs with no cache shared between its
servers, and one UPDATE of a counter per save costs little beside the save itself.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


class WriteCount(models.Model):
    """How many saves (POSTs) a user made in one minute."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "minute"], name="one_write_count_a_minute")
        ]

    def __str__(self):
        return f"{self.user} made {self.count} saves in the minute from {self.minute:%H:%M}"


def count_write(user, now=None) -> int:
    """Count one save by the user; how many they have made in this minute, this one included.
    Their counts of earlier minutes are deleted as a new minute starts."""
    minute = (now or timezone.now()).replace(second=0, microsecond=0)
    this_minute = WriteCount.objects.filter(user=user, minute=minute)
    with transaction.atomic():
        if not this_minute.update(count=F("count") + 1):
            WriteCount.objects.filter(user=user, minute__lt=minute).delete()
            try:
                with transaction.atomic():
                    WriteCount.objects.create(user=user, minute=minute, count=1)
            except IntegrityError:  # another request of theirs made it first
                this_minute.update(count=F("count") + 1)
        return this_minute.values_list("count", flat=True).get()
