from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.fields import optional_user, rolled_forward_from
from plans.levels import level_name

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and six hex digits.")

# A partnership's pages are at /<slug>/: these are the site's own paths (mscp/urls.py, the
# static files and GOV.UK Frontend's assets), so no partnership may take them.
RESERVED_SLUGS = frozenset(
    {
        "healthz",
        "admin",
        "accounts",
        "oidc",
        "static",
        "assets",
        "accessibility",
        "privacy",
        "partnerships",
    }
)


class TrackedQuerySet(models.QuerySet):
    """Soft delete and tenancy, each said once: live() leaves out what was deleted, and
    for_partnership() keeps one partnership's rows (by the model's partnership_path)."""

    def live(self):
        return self.filter(deleted_at__isnull=True)

    def for_partnership(self, partnership):
        return self.filter(**{self.model.partnership_path: partnership})


class Tracked(models.Model):
    """Content people edit: its history is kept, a save from a stale form is refused (see
    plans.staff_writes), and deleting it is soft so it can be restored."""

    # Where each kind sits, for the rules that every kind shares (plans.staff_writes): the lookup
    # from a row to its partnership; the lookups to what it sits in, nearest first (deleting
    # one of those deletes it too); and the fields naming the list it is ordered in.
    partnership_path: ClassVar[str] = "partnership"
    containers: ClassVar[tuple[str, ...]] = ()
    ordered_within: ClassVar[tuple[str, ...]] = ()
    noun: ClassVar[str] = ""  # its name in URLs and messages: the model's, unless set

    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    history = HistoricalRecords(inherit=True)

    objects = TrackedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def kind_name(cls) -> str:
        return cls.noun or cls._meta.model_name

    def url_in(self, slug: str) -> str:
        """The page it is seen on, in the partnership with this slug (no query)."""
        raise NotImplementedError

    def parent_url_in(self, slug: str) -> str:
        """The page of what it sits in: where to go once it is deleted."""
        return self.url_in(slug)


def readable_text_colour(background: str) -> str:
    """Near-black or white, whichever contrasts more with the background (WCAG luminance)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # 0.0466 is the luminance of GOV.UK's near-black text, #0b0c0c.
    on_dark = (luminance + 0.05) / (0.0466 + 0.05)
    on_white = 1.05 / (luminance + 0.05)
    return "#0b0c0c" if on_dark >= on_white else "#ffffff"


def unique_in_partnership(kind: str, field: str) -> models.UniqueConstraint:
    """No two of a partnership's rows of this kind share the field (the constraint is named
    <kind>_<field>_unique_in_partnership)."""
    return models.UniqueConstraint(
        fields=["partnership", field], name=f"{kind}_{field}_unique_in_partnership"
    )


def numbered(number: str, text: str) -> str:
    """How an outcome, action, step or risk is named in lists and the admin: its number (or
    label) and its words, cut to 80 characters."""
    text = text if len(text) <= 80 else text[:79] + "…"
    return f"{number} {text}".strip()


class Partnership(models.Model):
    """The tenant: every plan, person and rating belongs to exactly one partnership."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=40, help_text="As the partnership writes it, e.g. MSCP."
    )
    slug = models.SlugField(unique=True)
    # The update cycle before each meeting (reporting: reminders, the chair's review, the lock).
    updates_open_days = models.PositiveSmallIntegerField(
        default=28, help_text="Days before a meeting that leads are first asked for updates."
    )
    updates_due_days = models.PositiveSmallIntegerField(
        default=10, help_text="Days before a meeting that updates are due."
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=3, help_text="Days before the deadline that leads still to update are reminded."
    )

    class Marking(models.TextChoices):
        """The UK Government Security Classifications a partnership's packs may carry."""

        NONE = "", "No marking"
        OFFICIAL = "OFFICIAL", "OFFICIAL"
        OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"

    # Printed in every page's header and footer of the packs (PDF and Excel).
    protective_marking = models.CharField(
        max_length=30, choices=Marking, blank=True, default=Marking.NONE
    )
    # Whether its members may sign in with the deployment's single sign-on (OpenID Connect,
    # plans.single_sign_on), as well as with a password and two-step verification.
    single_sign_on = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(updates_open_days__gte=F("updates_due_days")),
                name="partnership_updates_open_before_due",
                violation_error_message="Updates must open on or before the day they are due.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # In clean() rather than a field validator, which would be a migration.
        if self.slug and self.slug.lower() in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": ValidationError(
                        "“%(slug)s” is used by the site itself: choose another web address "
                        "for the partnership.",
                        code="reserved",
                        params={"slug": self.slug},
                    )
                }
            )


class Organisation(models.Model):
    """An agency that people and leads belong to (the council, police, health, schools...)."""

    partnership_path = "partnership"  # as on Tracked: object_in_partnership reads it

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=200)
    aliases = models.TextField(
        blank=True, help_text="Other names plans use for it, one per line (kept when merged)."
    )

    class Meta:
        ordering = ["name"]
        constraints = [unique_in_partnership("organisation", "name")]

    def __str__(self):
        return self.name

    def names(self) -> list[str]:
        return [self.name, *filter(None, map(str.strip, self.aliases.splitlines()))]


class Person(models.Model):
    """Someone named as a lead or chair: a named person, or a post such as a business manager."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ROLE = "role", "Role or post"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PERSON)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    user = optional_user(
        "people",
        help_text="The sign-in of this person or post holder: 'my actions' finds what they lead.",
    )
    aliases = models.TextField(
        blank=True, help_text="Other names plans use for them, one per line (kept when merged)."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [unique_in_partnership("person", "name")]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation_id else self.name

    def names(self) -> list[str]:
        return [self.name, *filter(None, map(str.strip, self.aliases.splitlines()))]


class Group(Tracked):
    """A board, subgroup or task group of the partnership, or a partner body it works with."""

    class Kind(models.TextChoices):
        BOARD = "board", "Board"
        SUBGROUP = "subgroup", "Subgroup"
        TASK_GROUP = "task_group", "Task group"
        PARTNER_BODY = "partner_body", "Partner body"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SUBGROUP)
    aliases = models.TextField(
        blank=True,
        help_text="Other ways plans write this group's name, one per line (used to link leads).",
    )
    chairs = models.ManyToManyField(Person, blank=True, related_name="chaired_groups")

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [
            unique_in_partnership("group", "name"),
            unique_in_partnership("group", "short_name"),
        ]

    def __str__(self):
        return self.name

    def names(self) -> list[str]:
        """Every way plans write this group: name, short name and aliases."""
        return [
            self.name,
            self.short_name,
            *filter(None, map(str.strip, self.aliases.splitlines())),
        ]

    def url_in(self, slug):
        return reverse("plans:groups", args=[slug])


class Membership(models.Model):
    """A user's role in one partnership: what they may see and do there."""

    partnership_path = "partnership"

    class Role(models.TextChoices):
        STAFF = "staff", "Business support staff"
        CHAIR = "chair", "Chair or lead"
        BOARD = "board", "Board member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role)
    groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="memberships",
        help_text="Groups this user chairs or sits on: a chair updates the plans they own.",
    )

    class Meta:
        ordering = ["partnership", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="one_membership_per_user_and_partnership"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.partnership.short_name}"


class Theme(Tracked):
    """A cross-cutting theme that actions are tagged with (e.g. Merton's A–E)."""

    ordered_within = ("partnership",)

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=10, help_text="As the partnership letters it, e.g. A.")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "position", "code"]
        constraints = [unique_in_partnership("theme", "code")]

    def __str__(self):
        return self.short_name or self.name

    def url_in(self, slug):
        return reverse("plans:themes", args=[slug])


class RagRating(Tracked):
    """One of a partnership's own ratings, placed on the fixed scale that reports aggregate."""

    noun = "rating"
    ordered_within = ("partnership",)

    class Scale(models.TextChoices):
        """The fixed scale that every partnership's ratings sit on, in the order reports show
        it (counts, charts and columns left to right)."""

        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        COMPLETE = "complete", "Complete"

        @property
        def rank(self) -> int:
            """Worst (0) to best, for "up" and "down" between meetings: not started (but
            will be within timescale) sits between at risk and on track."""
            return ("off_track", "at_risk", "not_started", "on_track", "complete").index(self)

        @property
        def is_exception(self) -> bool:
            """Off track and at risk lead a board's exception report."""
            return self in ("off_track", "at_risk")

    # GOV.UK palette colours for the scale, used where a partnership sets none.
    SCALE_COLOURS = {
        Scale.NOT_STARTED: "#b1b4b6",
        Scale.ON_TRACK: "#00703c",
        Scale.AT_RISK: "#f47738",
        Scale.OFF_TRACK: "#d4351c",
        Scale.COMPLETE: "#1d70b8",
    }

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="ratings")
    scale = models.CharField(max_length=12, choices=Scale)
    label = models.CharField(max_length=60, help_text="The partnership's word, e.g. Amber.")
    definition = models.TextField(blank=True)
    colour = models.CharField(max_length=7, validators=[hex_colour])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "position"]
        constraints = [unique_in_partnership("rating", "label")]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if not self.colour:
            self.colour = self.SCALE_COLOURS[self.scale]
        super().save(*args, **kwargs)

    @property
    def text_colour(self) -> str:
        return readable_text_colour(self.colour)

    @property
    def system_words(self) -> str:
        """The words of the app's own that the label repeats ('' if none): a board would take
        a rating called "Past due date" for the app's count of actions past their due date."""
        return system_words_in(self.label)

    def url_in(self, slug):
        return reverse("plans:ratings", args=[slug])


# What the app itself says of actions, beside their ratings: a rating may not be called so.
SYSTEM_WORDS = ("past due date", "past due", "no update", "not updated")


def system_words_in(label: str) -> str:
    """The first of the app's own words the label holds, as written there; '' if none."""
    folded = " ".join(label.casefold().split())
    return next((f"“{words}”" for words in SYSTEM_WORDS if words in folded), "")


def full_title(title: str, period: str) -> str:
    """A plan's title with its period, once: a title that holds its period already ("Work
    Plan 2024-25") is not given it twice. (A function too, for a plan's history records.)"""
    period = period.strip()
    if not period or period.casefold() in title.casefold():
        return title
    return f"{title} {period}"


class Plan(Tracked):
    """A group's work plan or business plan for a period."""

    partnership_path = "group__partnership"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        ARCHIVED = "archived", "Archived"

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=300)
    period = models.CharField(max_length=40, help_text="As written, e.g. 2024-25 or 2021 – 2023.")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    version_label = models.CharField(
        max_length=100, blank=True, help_text="e.g. DRAFT V.7 – APRIL 2022"
    )
    agreed_on = models.DateField(null=True, blank=True)
    issued_under = models.CharField(
        max_length=200,
        blank=True,
        help_text="The partnership's name when the plan was issued, if it has changed since.",
    )
    # Its shape: which levels sit above the actions. Without an outcome level, a priority's
    # actions (or the plan's) sit in an unstated outcome (Outcome.is_stated) that no page shows.
    has_priorities = models.BooleanField(
        "priorities", default=True, help_text="The plan's top level, e.g. strategic priorities."
    )
    has_outcomes = models.BooleanField(
        "outcomes", default=True, help_text="The level between priorities and actions."
    )
    # The narrative around the plan's table, printed before it in the pack.
    introduction = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="The plan's own notes, printed with it.")
    appendices = models.TextField(blank=True, help_text="Printed with the plan, after its notes.")
    priority_label = models.CharField(
        max_length=200, blank=True, help_text="The plan's own word for a priority."
    )
    outcome_label = models.CharField(
        max_length=200, blank=True, help_text="The plan's own words for an outcome."
    )
    action_label = models.CharField(
        max_length=200, blank=True, help_text="The plan's own words for an action."
    )
    source = models.CharField(max_length=200, blank=True, help_text="The document it came from.")
    note = models.TextField(blank=True, help_text="Transcription note: for staff, never in packs.")
    carried_from = rolled_forward_from(
        "The earlier plan whose unfinished actions were rolled forward into this one."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group__partnership", "-period", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="draft") | Q(agreed_on__isnull=True),
                name="draft_plan_has_no_agreed_date",
                violation_error_message="A draft plan has no agreed date: agree it first.",
            )
        ]

    def __str__(self):
        return self.full_title

    def get_absolute_url(self):
        return self.url_in(self.group.partnership.slug)

    @property
    def full_title(self) -> str:
        return full_title(self.title, self.period)

    @property
    def version_shown(self) -> str:
        """The version label, unless it only repeats the status ("DRAFT" on a draft)."""
        label = self.version_label.strip()
        return "" if label.casefold() == self.get_status_display().casefold() else label

    @property
    def priority_name(self) -> str:
        return level_name(self.priority_label, "priority")

    @property
    def outcome_name(self) -> str:
        return level_name(self.outcome_label, "outcome")

    @property
    def action_name(self) -> str:
        return level_name(self.action_label, "action")

    @property
    def partnership(self) -> Partnership:
        return self.group.partnership

    def url_in(self, slug):
        return reverse("plans:plan", args=[slug, self.pk])

    def parent_url_in(self, slug):
        return reverse("plans:dashboard", args=[slug])


class Priority(Tracked):
    """The optional top level of a plan, e.g. Medway's priority objectives."""

    partnership_path = "plan__group__partnership"
    containers = ("plan",)
    ordered_within = ("plan",)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    number = models.CharField(max_length=20, blank=True, help_text="As written.")
    title = models.TextField()
    overarching = models.BooleanField(
        default=False, help_text="Above the plan's other priorities: shown first, spanning them."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-overarching", "position", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def url_in(self, slug):
        return reverse("plans:plan", args=[slug, self.plan_id]) + f"#priority-{self.pk}"

    def parent_url_in(self, slug):
        return reverse("plans:plan", args=[slug, self.plan_id])


class Outcome(Tracked):
    """An impact statement: what will success look like?"""

    partnership_path = "plan__group__partnership"
    containers = ("priority", "plan")
    ordered_within = ("plan", "priority")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, null=True, blank=True, related_name="outcomes"
    )
    number = models.CharField(max_length=20, blank=True, help_text="As written; may be blank.")
    text = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="Transcription note, e.g. on corrupted source.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return numbered(self.number, self.text)

    @property
    def is_stated(self) -> bool:
        """An outcome with neither number nor words holds the actions of a plan (or priority)
        that has no outcome level: the pages and packs show its actions, never the outcome."""
        return bool(self.number or self.text)

    def clean(self):
        if self.priority_id and self.priority.plan_id != self.plan_id:
            raise ValidationError({"priority": "Choose a priority of the same plan."})

    def url_in(self, slug):
        return reverse("plans:plan", args=[slug, self.plan_id]) + f"#outcome-{self.pk}"

    def parent_url_in(self, slug):
        return reverse("plans:plan", args=[slug, self.plan_id])


from plans.audit_models import AuditEvent  # noqa: E402, F401 - the audit log's model, kept apart
from plans.invitation_models import Invitation  # noqa: E402, F401 - kept apart too
from plans.write_limits import WriteCount  # noqa: E402, F401 - the limit on saves, kept apart
