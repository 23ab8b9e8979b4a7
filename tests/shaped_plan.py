"""A made-up plan of the shapes real plans take that the seeds do not (written for the
tests, not copied from anywhere): an overarching priority above two strategic priorities,
actions straight under them (no outcome level), outcome measures, a core activity and the
plan's own narrative. Built as the demo loader builds plans (reporting.plan_builder)."""

from actions.models import Action
from plans.models import Group, Plan
from plans.staff_writes import unstated_outcome
from reporting.plan_builder import PlanBuilder, plan_shape

TITLE = "Riverton Children's Plan"

DATA = {
    "priorities": [
        {
            "number": "",
            "title": "Every child in Riverton grows up safe",
            "overarching": True,
            "outcomes": [
                {"number": "", "text": "", "actions": [
                    {"number": "0.1", "text": "Publish the annual report",
                     "lead": "Partnership manager", "timeframe": "September 2026"},
                ]},
            ],
        },
        {
            "number": "1",
            "title": "Early help reaches families sooner",
            "outcomes": [
                {"number": "", "text": "", "actions": [
                    {"number": "1.1", "text": "Map the early help offer",
                     "lead": "Early Help Lead", "timeframe": "June 2026",
                     "outcome_measures": "• More families offered early help\n"
                                         "• Fewer repeat referrals"},
                    {"number": "1.2", "text": "Train the school nurses",
                     "lead": "Designated Nurse", "timeframe": "Ongoing"},
                ]},
            ],
        },
        {
            "number": "2",
            "title": "Children's voices shape services",
            "outcomes": [
                {"number": "", "text": "", "actions": [
                    {"number": "2.1", "text": "Run the young inspectors scheme",
                     "lead": "Youth Council", "timeframe": "March 2027",
                     "outcome_measures": "Ten services inspected by young people"},
                ]},
            ],
        },
    ],
    "outcomes": [],
}  # fmt: skip


def make_shaped_plan(group: Group) -> Plan:
    plan = Plan.objects.filter(group=group, title=TITLE).first()
    if plan is not None:
        return plan
    plan = Plan.objects.create(
        group=group,
        title=TITLE,
        period="2026-27",
        priority_label="Strategic priority",
        introduction="This plan sets out how partners will keep Riverton's children safe.",
        notes="Reviewed by the board each quarter.",
        **plan_shape(DATA),
    )
    PlanBuilder(plan).add_content(DATA)
    Action.objects.create(
        outcome=unstated_outcome(plan),
        kind=Action.Kind.CORE_ACTIVITY,
        text="Quarterly multi-agency case audit",
        lead="Audit subgroup",
        timeframe="Quarterly",
    )
    return plan
