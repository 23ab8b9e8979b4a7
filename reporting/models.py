import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from plans.fields import optional_user
from plans.models import Group, Organisation, Partnership, Plan


def set_when(status: str, field: str, name: str, message: str) -> models.CheckConstraint:
    """A row of this status has the field set: a pack being made its start time, a sent
    reminder the time it was sent."""
    return models.CheckConstraint(
        condition=~Q(status=status) | Q(**{f"{field}__isnull": False}),
        name=name,
        violation_error_message=message,
    )


def error_only_when_failed(prefix: str, message: str) -> models.CheckConstraint:
    """A failed row says why in its error (a line for the person waiting), and no other row
    has one: for the things made or sent in the background, packs and reminders."""
    return models.CheckConstraint(
        condition=(Q(status="failed") & ~Q(error="")) | (~Q(status="failed") & Q(error="")),
        name=f"{prefix}_error_only_when_failed",
        violation_error_message=message,
    )


class Meeting(models.Model):
    """A meeting of a group (a board meeting, a subgroup meeting) that progress is reported to.

    It closes a reporting period: leads update their actions between updates_open_on and
    updates_due_on, the chair reviews, and staff lock it (locked_at) to make the pack, which
    then rates each action as at the lock, whatever is entered later.
    """

    partnership_path = "group__partnership"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    reporting_period = models.CharField(
        max_length=100, blank=True, help_text="e.g. Quarter 2, 2024-25"
    )
    updates_open_on = models.DateField(
        null=True, blank=True, help_text="The day leads are first asked for their updates."
    )
    updates_due_on = models.DateField(
        null=True, blank=True, help_text="The deadline for updates, before the meeting."
    )
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_by = optional_user("+", editable=False)
    # The cover report staff write for the board: the pack's first pages, and a Word file.
    purpose = models.TextField(blank=True)
    key_messages = models.TextField(blank=True)
    board_asked_to = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "held_on"], name="one_meeting_a_day_per_group"
            ),
            models.CheckConstraint(
                condition=Q(updates_open_on__isnull=True)
                | Q(updates_due_on__isnull=True)
                | Q(updates_open_on__lte=F("updates_due_on")),
                name="meeting_updates_open_before_deadline",
                violation_error_message="Updates must open on or before their deadline.",
            ),
            models.CheckConstraint(
                condition=Q(updates_due_on__isnull=True) | Q(updates_due_on__lte=F("held_on")),
                name="meeting_deadline_not_after_meeting",
                violation_error_message="The deadline for updates is on or before the meeting.",
            ),
        ]

    def __str__(self):
        return f"{self.title or self.group.short_name} – {self.held_on.day} {self.held_on:%B %Y}"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    @property
    def has_cover_report(self) -> bool:
        return bool(self.purpose or self.key_messages or self.board_asked_to)


# A render not finished this long after it was queued or started is taken to have failed (its
# worker died, was restarted, or is stuck), and may be tried again. The worker also stops a
# render that runs this long (reporting.tasks): a 500-action PDF takes about 30 seconds.
RENDER_TIME_LIMIT = datetime.timedelta(minutes=10)


class StoredPackQuerySet(models.QuerySet):
    def for_subject(self, *, partnership, meeting, plan, agency, format):
        """Renders of one subject (a meeting's pack, a plan's, every plan's, or an agency's
        report) in one format."""
        return self.filter(
            partnership=partnership, meeting=meeting, plan=plan, agency=agency, format=format
        )

    def in_progress(self, now: datetime.datetime):
        """Queued or being made, and not past the time limit."""
        Status = StoredPack.Status
        return self.filter(
            Q(status=Status.QUEUED, created_at__gt=now - RENDER_TIME_LIMIT)
            | Q(status=Status.RENDERING, started_at__gt=now - RENDER_TIME_LIMIT)
        )


class StoredPack(models.Model):
    """A pack file rendered once (in the background for a PDF) and kept in the database.

    In the database rather than on a disk so that every app server and worker sees the same
    files: a pack is a few hundred KB to a few MB, well within what PostgreSQL's bytea holds
    (1 GB), and TOAST keeps it out of the way of queries that do not ask for it (views defer
    `content` unless they serve it).

    `fingerprint` is a hash of what the rendered pack says (reporting.fingerprints.
    pack_fingerprint): a download reuses a ready file whose fingerprint matches what the pack
    would say now, and queues a new render when it does not. The pack of a locked period
    (issue 6) can be a ready one marked as kept: served without comparing fingerprints, and
    never pruned (reporting.stored_packs.find_render and prune_renders).
    """

    partnership_path = "partnership"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be made"
        RENDERING = "rendering", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stored_packs"
    )
    # What it covers: a meeting, a plan, an agency, or (none) every live plan of the
    # partnership.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="stored_packs"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="stored_packs"
    )
    # An agency's report: the actions the partner agency leads or shares, as at a day.
    agency = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    format = models.CharField(max_length=4, choices=Format)
    as_at = models.DateField(help_text="The day the actions are rated as at.")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, help_text="Bytes of content.")
    fingerprint = models.CharField(max_length=64, blank=True)
    # In plain words, for the person waiting; the traceback goes to the log, never here.
    error = models.CharField(max_length=300, blank=True)
    requested_by = optional_user("+")
    # The pack of a locked period: served as it is, never made again, never pruned.
    kept = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = StoredPackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["partnership", "format", "meeting", "plan", "-created_at"],
                name="stored_pack_subject_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=True, plan__isnull=True)
                | Q(meeting__isnull=True, agency__isnull=True)
                | Q(plan__isnull=True, agency__isnull=True),
                name="stored_pack_covers_one_subject",
                violation_error_message="A pack covers one of a meeting, a plan or an agency.",
            ),
            models.CheckConstraint(
                condition=Q(status="ready", content__isnull=False, finished_at__isnull=False)
                | (~Q(status="ready") & Q(content__isnull=True)),
                name="stored_pack_content_only_when_ready",
                violation_error_message="Only a ready pack has a file, and a ready one has.",
            ),
            set_when(
                "rendering",
                "started_at",
                "stored_pack_rendering_has_started",
                "A pack being made has a start time.",
            ),
            error_only_when_failed(
                "stored_pack", "A failed pack says why; no other pack has an error."
            ),
        ]

    def __str__(self):
        return self.filename

    def shown_status(self, now: datetime.datetime) -> str:
        """The status to show: a render past the time limit has failed, whatever the row says
        (the worker that had it may be gone; nothing else will finish it)."""
        if self.status == self.Status.QUEUED and self.created_at <= now - RENDER_TIME_LIMIT:
            return self.Status.FAILED
        if self.status == self.Status.RENDERING and self.started_at <= now - RENDER_TIME_LIMIT:
            return self.Status.FAILED
        return self.status

    def shown_error(self, now: datetime.datetime) -> str:
        if self.status == self.Status.FAILED:
            return self.error
        if self.shown_status(now) == self.Status.FAILED:
            return TOO_LONG
        return ""


TOO_LONG = f"it was not ready within {RENDER_TIME_LIMIT.seconds // 60} minutes"


class Reminder(models.Model):
    """An email of the update cycle sent (or being sent) to one person for one meeting.

    At most one of each kind per meeting and recipient: the reminders command claims this row
    (its unique constraint decides between two runs at once) before it sends the email, so a
    second run, or one running beside it, sends nothing twice.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", "Updates open"
        DEADLINE = "deadline", "Deadline reminder"
        MISSING = "missing", "Missing updates, to the chair"

    class Status(models.TextChoices):
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    email = models.EmailField(help_text="The address it was sent to.")
    actions = models.ManyToManyField(
        "actions.Action", blank=True, related_name="+", help_text="The actions it named."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.SENDING)
    # Why a send failed, in a line (the traceback goes to the log); the next run tries again.
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "recipient", "kind"],
                name="one_reminder_of_a_kind_per_meeting_and_recipient",
            ),
            set_when(
                "sent",
                "sent_at",
                "sent_reminder_has_a_time",
                "A sent reminder says when it was sent.",
            ),
            error_only_when_failed(
                "reminder", "A failed reminder says why; no other one has an error."
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email} for {self.meeting}"
