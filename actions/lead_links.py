"""Link a lead's text to the people, groups and agencies it names, creating them as needed."""

from dataclasses import dataclass, field

from actions.leads import initials, is_not_a_name, lead_key, parse_lead
from plans.models import Group, Organisation, Partnership, Person

# What each kind of lead part becomes, in the words of the pages.
RECORD_KINDS = {
    "person": "people",
    "role": "people",
    "group": "groups",
    "organisation": "agencies",
}


@dataclass
class LeadPreview:
    """What linking a plan's leads would do with one name: match a record (matched), make
    one (created: unless staff link it to an existing record instead), or make none (not a
    name). rows: where the plan names it."""

    status: str  # matched, created, not_a_name
    kind: str  # people, agencies, groups (actions.lead_records.KINDS)
    name: str
    existing: str = ""  # the matched record's name, where it is written otherwise
    rows: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{lead_key(self.name)}"


class LeadLinker:
    """Links leads within one partnership; caches its directory so a whole plan loads cheaply.

    A name matches a record whose name (or alias) differs only by case, punctuation, plural
    or a common spelling pair (actions.leads.lead_key); a first name alone matches the one
    person of the partnership with that first name; words that name no one (Reports, Team,
    "via ...", the partnership's own name or initials) make no record.
    """

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.groups: dict[str, Group] = {}
        self.known_names: list[str] = []
        for group in partnership.groups.all():
            for name in group.names():
                self.groups.setdefault(lead_key(name), group)
                self.known_names.append(name)
        self.people: dict[str, Person] = {}
        for person in partnership.people.all():
            for name in person.names():
                self.people.setdefault(lead_key(name), person)
        self.organisations: dict[str, Organisation] = {}
        for organisation in partnership.organisations.all():
            for name in organisation.names():
                self.organisations.setdefault(lead_key(name), organisation)
        own = [partnership.name, partnership.short_name]
        self.own_names = [*own, initials(partnership.name)]
        self.created: list = []  # records this linker made, in order

    def preview(self, leads) -> list[LeadPreview]:
        """What link() would do with (row, lead text) pairs, writing nothing: each name once,
        in order, with the rows that name it."""
        found: dict[tuple[str, str], LeadPreview] = {}
        for row, text in leads:
            for part in parse_lead(text, known_groups=self.known_names):
                if part.kind in ("own_group", "everyone"):
                    continue
                preview = self.resolve(part)
                entry = found.setdefault((preview.status, preview.key), preview)
                if row not in entry.rows:
                    entry.rows.append(row)
        return list(found.values())

    def resolve(self, part) -> LeadPreview:
        kind = RECORD_KINDS[part.kind]
        if is_not_a_name(part.name, self.own_names):
            return LeadPreview("not_a_name", kind, part.name)
        records = {"people": self.people, "groups": self.groups, "agencies": self.organisations}
        record = records[kind].get(lead_key(part.name))
        if record is None and part.kind == "person":
            record = self.by_first_name(part.name)
        if record is None:
            return LeadPreview("created", kind, part.name)
        existing = "" if record.name == part.name else record.name
        return LeadPreview("matched", kind, part.name, existing)

    def link(self, obj, *, owning_group: Group) -> None:
        """Set obj's lead_people, lead_groups and lead_organisations from obj.lead."""
        people, groups, organisations = [], [], []
        for part in parse_lead(obj.lead, known_groups=self.known_names):
            if part.kind not in ("own_group", "everyone") and is_not_a_name(
                part.name, self.own_names
            ):
                continue
            if part.kind in ("own_group", "everyone"):
                groups.append(owning_group)
            elif part.kind == "group":
                groups.append(self.group(part.name))
            elif part.kind == "organisation":
                organisations.append(self.organisation(part.name))
            else:
                kind = Person.Kind.ROLE if part.kind == "role" else Person.Kind.PERSON
                person = self.person(part.name, kind, part.organisation)
                people.append(person)
                if person.organisation_id:
                    organisations.append(person.organisation)
        obj.lead_people.set(people)
        obj.lead_groups.set(groups)
        obj.lead_organisations.set(organisations)

    def group(self, name: str) -> Group:
        key = lead_key(name)
        if key not in self.groups:
            # A body the partnership's directory does not know yet: record it as a partner
            # body so the lead still links, and staff can rename or merge it later.
            self.groups[key], _ = Group.objects.get_or_create(
                partnership=self.partnership,
                name=name[:200],
                defaults={"short_name": name[:60], "kind": Group.Kind.PARTNER_BODY},
            )
            self.created.append(self.groups[key])
        return self.groups[key]

    def organisation(self, name: str) -> Organisation:
        key = lead_key(name)
        if key not in self.organisations:
            self.organisations[key], _ = Organisation.objects.get_or_create(
                partnership=self.partnership, name=name[:200]
            )
            self.created.append(self.organisations[key])
        return self.organisations[key]

    def by_first_name(self, name: str) -> Person | None:
        """The one person whose first name this is, for a lead that gives only that."""
        if " " in name.strip():
            return None
        key = lead_key(name)
        found = {
            person.pk: person
            for person in self.people.values()
            if person.kind == Person.Kind.PERSON and lead_key(person.name).split()[:1] == [key]
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def person(self, name: str, kind: str, organisation: str) -> Person:
        key = lead_key(name)
        person = self.people.get(key) or (
            self.by_first_name(name) if kind == Person.Kind.PERSON else None
        )
        if person is None:
            person, _ = Person.objects.get_or_create(
                partnership=self.partnership,
                name=name[:200],
                defaults={
                    "kind": kind,
                    "organisation": self.organisation(organisation) if organisation else None,
                },
            )
            self.people[key] = person
            self.created.append(person)
        elif organisation and not person.organisation_id:
            person.organisation = self.organisation(organisation)
            person.save(update_fields=["organisation"])
        return person
