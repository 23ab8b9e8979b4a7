import factory
from django.contrib.auth import get_user_model

from actions.models import Action, ProgressUpdate, Step
from plans.models import Group, Membership, Outcome, Partnership, Plan, RagRating, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    short_name = "SCP"
    slug = factory.Sequence(lambda n: f"partnership-{n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Subgroup {n}")
    short_name = factory.Sequence(lambda n: f"SG{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Membership.Role.STAFF


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    partnership = factory.SubFactory(PartnershipFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")


class RagRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RagRating

    partnership = factory.SubFactory(PartnershipFactory)
    scale = RagRating.Scale.ON_TRACK
    label = factory.LazyAttribute(lambda o: RagRating.Scale(o.scale).label)
    colour = factory.LazyAttribute(lambda o: RagRating.SCALE_COLOURS[o.scale])


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Work plan {n}")
    period = "2024-25"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n))
    text = "Children are safer"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    outcome = factory.SubFactory(OutcomeFactory)
    number = factory.Sequence(lambda n: f"1.{n}")
    text = "Do the thing"


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    action = factory.SubFactory(ActionFactory)
    text = "A part of the thing"


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    rating = factory.SubFactory(
        RagRatingFactory,
        partnership=factory.SelfAttribute("..action.outcome.plan.group.partnership"),
    )
    commentary = "Progressing well"
