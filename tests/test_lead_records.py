"""Lead records, never invented: names matched across case, punctuation, plurals and common
spellings; words that name no one make no record; staff rename and merge records, with the
old names kept linked and each change in the audit log."""

import pytest

from actions.lead_links import LeadLinker
from actions.lead_records import merge, rename
from actions.leads import is_not_a_name, lead_key
from actions.models import Action
from plans.audit_models import AuditEvent
from plans.models import Group, Organisation, Partnership, Person
from tests.factories import ActionFactory
from tests.helpers import PERSONAS, STAFF_ONLY, ess_action, url

pytestmark = pytest.mark.django_db

STAFF_POST = {**STAFF_ONLY, "staff": 302}
# Another partnership's record: not found for its staff; refused, as any, to others.
FOREIGN = {**STAFF_ONLY, "staff": 404}


@pytest.mark.parametrize(
    "one, other",
    [
        ("Audit SubGroups", "Audit SubGroup"),
        ("Audit Sub-Group", "Audit subgroup"),
        ("Communications Subgroup", "Communication Subgroup"),
        ("Safeguarding Advisor", "Safeguarding Adviser"),
        ("Policy & Procedures Sub Group", "Policy and Procedures Subgroup"),
        ("Children’s Services", "Children's Services"),
        ("L.B. Merton", "LB Merton"),
    ],
)
def test_names_that_differ_only_in_form_have_one_key(one, other):
    assert lead_key(one) == lead_key(other)


@pytest.mark.parametrize(
    "one, other", [("Anne Akamo", "Anne Akaro"), ("John Walsh", "John"), ("Chair", "Chairs")]
)
def test_different_names_keep_different_keys(one, other):
    if one != "Chair":
        assert lead_key(one) != lead_key(other)


@pytest.mark.parametrize(
    "words",
    [
        "Reports",
        "Team",
        "TBC",
        "via the MASH",
        "MSCP",
        "Merton Safeguarding Children Partnership",
    ],  # fmt: skip
)
def test_words_that_name_no_one(words):
    own = ["Merton Safeguarding Children Partnership", "MSCP"]
    assert is_not_a_name(words, own)


@pytest.mark.parametrize("words", ["Zoe Gallen", "Police", "Hub Manager", "MSCP BSU"])
def test_names_are_names(words):
    assert not is_not_a_name(words, ["Merton Safeguarding Children Partnership", "MSCP"])


def linked(partnership, *leads) -> list[Action]:
    linker = LeadLinker(partnership)
    group = partnership.groups.get(short_name="ESS")
    actions = []
    for lead in leads:
        action = ActionFactory(outcome__plan__group=group, lead=lead)
        linker.link(action, owning_group=group)
        actions.append(action)
    return actions


def test_a_plural_or_a_spelling_links_to_the_same_record(demo, db):
    merton = Partnership.objects.get(slug="merton")
    before = (Group.objects.count(), Person.objects.count(), Organisation.objects.count())
    first, second, third, fourth = linked(
        merton,
        "Audit SubGroup",
        "Audit SubGroups",
        "Safeguarding Advisor (Health)",
        "Safeguarding Adviser (Health)",
    )
    assert list(first.lead_groups.all()) == list(second.lead_groups.all())
    assert list(third.lead_people.all()) == list(fourth.lead_people.all())
    assert Group.objects.count() == before[0] + 1
    assert Person.objects.count() == before[1] + 1


def test_words_that_name_no_one_make_no_record(demo, db):
    merton = Partnership.objects.get(slug="merton")
    before = (Group.objects.count(), Person.objects.count(), Organisation.objects.count())
    (action,) = linked(merton, "MSCP / Reports / Team / via the MASH")
    assert (Group.objects.count(), Person.objects.count(), Organisation.objects.count()) == before
    assert action.lead == "MSCP / Reports / Team / via the MASH"  # kept as written


def test_a_first_name_alone_is_the_one_person_of_that_name(demo, db):
    merton = Partnership.objects.get(slug="merton")
    (action,) = linked(merton, "Karl/police")
    assert [p.name for p in action.lead_people.all()] == ["Karl Mittelstadt"]


def test_the_demo_holds_no_fragments(demo, db):
    names = set(Person.objects.filter(partnership__slug="merton").values_list("name", flat=True))
    assert "John" not in names and "scrutineers" not in names
    assert "Anne Akaro" not in names
    anne = Person.objects.get(name="Anne Akamo")
    assert anne.led_actions.count() + anne.led_steps.count() == 3


# Rename and merge ---------------------------------------------------------------------------


def test_rename_keeps_the_old_name_linked(demo, db):
    person = Person.objects.get(name="Anne Akamo")
    rename(person, "Anne Akamo-Smith")
    merton = Partnership.objects.get(slug="merton")
    (action,) = linked(merton, "Anne Akamo")
    assert list(action.lead_people.all()) == [person]


def test_merge_moves_what_it_leads_and_keeps_its_names(demo, db):
    merton = Partnership.objects.get(slug="merton")
    first, second = linked(merton, "Jo Bloggs", "Joanne Bloggs")
    jo, joanne = Person.objects.get(name="Jo Bloggs"), Person.objects.get(name="Joanne Bloggs")
    moved = merge(joanne, jo)
    assert moved["actions"] == 1
    assert not Person.objects.filter(name="Jo Bloggs").exists()
    assert list(first.lead_people.all()) == [joanne]
    assert first.lead == "Jo Bloggs"  # as written
    joanne.refresh_from_db()
    assert "Jo Bloggs" in joanne.aliases.splitlines()
    (third,) = linked(merton, "Jo Bloggs")
    assert list(third.lead_people.all()) == [joanne]


@pytest.mark.parametrize("persona", PERSONAS)
def test_lead_record_pages_are_for_staff_only(client_for, persona):
    client = client_for(persona)
    person = Person.objects.get(name="Zoe Gallen")
    medway_role = Person.objects.filter(partnership__slug="medway").first()
    for address, expected in [
        (url("plans:leads"), STAFF_ONLY),
        (url("plans:lead_rename", "people", person.pk), STAFF_ONLY),
        (url("plans:lead_merge", "people", person.pk), STAFF_ONLY),
        (url("plans:lead_rename", "people", medway_role.pk), FOREIGN),
        (url("plans:lead_merge", "agencies", 999999), FOREIGN),
    ]:
        assert client.get(address).status_code == expected[persona], (persona, address)
    response = client.post(url("plans:lead_rename", "people", person.pk), {"name": "Hacked"})
    assert response.status_code == STAFF_POST[persona]
    assert Person.objects.filter(name="Hacked").exists() == (persona == "staff")


def test_staff_rename_and_merge_with_the_audit_log(client_for):
    client = client_for("staff")
    page = client.get(url("plans:leads")).content.decode()
    assert "Anne Akamo" in page and "People and posts" in page
    hub = Person.objects.get(name="Hub Manager", partnership__slug="merton")
    response = client.post(
        url("plans:lead_rename", "people", hub.pk), {"name": "Zoe Gallen"}
    )  # fmt: skip
    assert "There is already a person or post called “Zoe Gallen”: merge into it" in (
        response.content.decode()
    )
    response = client.post(url("plans:lead_rename", "people", hub.pk), {"name": "Hub Lead"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind="lead_renamed", summary__contains="Hub Lead").exists()
    zoe = Person.objects.get(name="Zoe Gallen")
    action = ess_action("1.3")
    assert hub in action.lead_people.all()
    response = client.post(url("plans:lead_merge", "people", hub.pk), {"into": zoe.pk})
    assert response.status_code == 302
    assert zoe in action.lead_people.all() and not Person.objects.filter(pk=hub.pk).exists()
    event = AuditEvent.objects.get(kind="lead_merged")
    assert event.summary == "Merged the person or post “Hub Lead” into “Zoe Gallen”"


def test_a_group_that_owns_plans_is_not_merged_away(client_for):
    client = client_for("staff")
    ess = Group.objects.get(partnership__slug="merton", short_name="ESS")
    ppyp = Group.objects.get(partnership__slug="merton", short_name="PPYP")
    response = client.post(url("plans:lead_merge", "groups", ess.pk), {"into": ppyp.pk})
    assert "owns plans: move them to another group" in response.content.decode()
    assert Group.objects.filter(pk=ess.pk).exists()


# The import's preview ------------------------------------------------------------------------


def lead_rows(*leads):
    from tests.test_imports import row

    return [
        row(outcome="Children are heard", action_number=f"1.{n}", action=f"Action {n}", lead=lead)
        for n, lead in enumerate(leads, start=1)
    ]


def test_the_preview_lists_each_lead_record_matched_new_or_not_a_name(client_for):
    from tests.test_imports import new_plan_fields, upload, xlsx

    client = client_for("staff")
    Group.objects.create(
        partnership=Partnership.objects.get(slug="merton"),
        name="Audit Subgroup",
        short_name="Audit Subgroup",
        kind=Group.Kind.SUBGROUP,
    )
    leads = lead_rows("Audit SubGroups", "Jo Bloggs", "Reports", "Zoe Gallen")
    response = upload(client, xlsx(leads), **new_plan_fields())
    preview = client.get(response["Location"])
    records = {r["name"]: r for r in preview.context["lead_records"]}
    # The plural finds the group under its own name: matched, nothing new.
    audit = next(r for name, r in records.items() if name.startswith("Audit Sub"))
    assert audit["status"] == "matched" and audit["kind"] == "group"
    assert records["Jo Bloggs"]["status"] == "created" and records["Jo Bloggs"]["rows"] == "3"
    assert records["Reports"]["status"] == "not_a_name"
    assert records["Zoe Gallen"]["status"] == "matched"
    html = preview.content.decode()
    assert "New person or post, or link “Jo Bloggs” to" in html


def test_a_new_name_linked_to_an_existing_record_creates_nothing(client_for):
    from tests.test_imports import new_plan_fields, upload, xlsx

    client = client_for("staff")
    response = upload(client, xlsx(lead_rows("Zoë Galen")), **new_plan_fields())
    preview = client.get(response["Location"])
    (record,) = [r for r in preview.context["lead_records"] if r["name"] == "Zoë Galen"]
    zoe = Person.objects.get(name="Zoe Gallen")
    people = Person.objects.count()
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    client.post(
        url("imports:confirm", token),
        {"fingerprint": preview.context["fingerprint"], record["field"]: str(zoe.pk)},
    )
    assert Person.objects.count() == people
    action = Action.objects.get(outcome__plan__title="Imported plan", number="1.1")
    assert list(action.lead_people.all()) == [zoe]
    zoe.refresh_from_db()
    assert "Zoë Galen" in zoe.aliases
    assert AuditEvent.objects.filter(summary__startswith="Linked “Zoë Galen”").exists()
