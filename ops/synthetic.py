"""A synthetic partnership of any size, for query-count tests and benchmarks."""

import datetime
import random

from django.db import transaction

from actions.models import Action, ProgressUpdate, Step, refresh_current_updates
from plans.models import Group, Outcome, Partnership, Plan, Priority, RagRating, Theme

SCALES = [
    ("complete", "Complete"),
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("off_track", "Overdue"),
]


@transaction.atomic
def build_partnership(
    *,
    slug: str = "synthetic",
    plans: int = 1,
    actions_per_plan: int = 300,
    steps_per_action: int = 2,
    updates_per_action: int = 4,
    seed: int = 2024,
) -> Partnership:
    """Plans of priorities, outcomes, actions, steps and progress histories, in bulk.

    Bulk inserts skip save(): due dates are set directly and no history is recorded.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    partnership = Partnership.objects.create(
        name=f"Synthetic Safeguarding Children Partnership ({slug})", short_name="SSCP", slug=slug
    )
    board = Group.objects.create(
        partnership=partnership, name="Executive", short_name="Exec", kind=Group.Kind.BOARD
    )
    ratings = [
        RagRating.objects.create(
            partnership=partnership,
            scale=scale,
            label=label,
            position=i,
            colour=RagRating.SCALE_COLOURS[scale],
        )
        for i, (scale, label) in enumerate(SCALES)
    ]
    themes = [
        Theme.objects.create(partnership=partnership, code=code, name=f"Theme {code}", position=i)
        for i, code in enumerate("ABCDE")
    ]
    start = datetime.date(2024, 4, 1)

    def due(i: int) -> datetime.date:
        return start + datetime.timedelta(days=3 * i)

    for p in range(plans):
        group = Group.objects.create(
            partnership=partnership, name=f"Subgroup {p + 1}", short_name=f"SG{p + 1}"
        )
        plan = Plan.objects.create(
            group=group if p else board,
            title=f"Work plan {p + 1}",
            period="2024-25",
            status=Plan.Status.AGREED,
            introduction="A synthetic plan for measurement.",
        )
        priorities = Priority.objects.bulk_create(
            Priority(plan=plan, number=str(i + 1), title=f"Priority {i + 1}", position=i)
            for i in range(5)
        )
        outcomes = Outcome.objects.bulk_create(
            Outcome(
                plan=plan,
                priority=priorities[i // 2],
                number=f"{i // 2 + 1}.{i % 2 + 1}",
                text=f"Children and families are safer because of improvement {i + 1}. " * 2,
                position=i,
            )
            for i in range(10)
        )
        actions = Action.objects.bulk_create(
            Action(
                outcome=outcomes[i % 10],
                number=f"{i % 10 + 1}.{i // 10 + 1}",
                position=i,
                text=f"Deliver multi-agency activity number {i + 1} and evaluate its impact "
                "on practice, with partners across health, police and the council.",
                lead=f"Lead Person {i % 37}, Agency {i % 7}",
                timeframe="Quarterly" if i % 5 == 0 else f"{due(i):%B %Y}",
                due_date=None if i % 5 == 0 else due(i),
            )
            for i in range(actions_per_plan)
        )
        Step.objects.bulk_create(
            Step(
                action=action,
                label=f"{'ABC'[s]}.",
                position=s,
                text=f"Step {s + 1}: a milestone with its own lead and evidence.",
                lead="MSCP Business Manager",
                evidence="Minutes of the subgroup",
            )
            for action in actions
            for s in range(steps_per_action)
        )
        Action.themes.through.objects.bulk_create(
            Action.themes.through(action_id=action.pk, theme_id=themes[(i + t) % 5].pk)
            for i, action in enumerate(actions)
            for t in range(2)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=action,
                rating=rng.choice(ratings),
                reported_on=start + datetime.timedelta(days=91 * u),
                commentary=f"Update {u + 1}: progress reported to the subgroup, with the "
                "next steps agreed and risks noted for the board.",
                evidence="Subgroup minutes",
            )
            for action in actions
            for u in range(updates_per_action)
        )
        refresh_current_updates(action.pk for action in actions)
    return partnership
