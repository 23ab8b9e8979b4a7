"""Link a lead's text to the people, groups and agencies it names, creating them as needed."""

from actions.leads import normalise_name, parse_lead
from plans.models import Group, Organisation, Partnership, Person


class LeadLinker:
    """Links leads within one partnership; caches its directory so a whole plan loads cheaply."""

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.groups: dict[str, Group] = {}
        self.known_names: list[str] = []
        for group in partnership.groups.all():
            for name in group.names():
                self.groups.setdefault(normalise_name(name), group)
                self.known_names.append(name)
        self.people = {normalise_name(p.name): p for p in partnership.people.all()}
        self.organisations = {normalise_name(o.name): o for o in partnership.organisations.all()}

    def link(self, obj, *, owning_group: Group) -> None:
        """Set obj's lead_people, lead_groups and lead_organisations from obj.lead."""
        people, groups, organisations = [], [], []
        for part in parse_lead(obj.lead, known_groups=self.known_names):
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
        key = normalise_name(name)
        if key not in self.groups:
            # A body the partnership's directory does not know yet: record it as a partner
            # body so the lead still links, and staff can rename or merge it later.
            self.groups[key], _ = Group.objects.get_or_create(
                partnership=self.partnership,
                name=name[:200],
                defaults={"short_name": name[:60], "kind": Group.Kind.PARTNER_BODY},
            )
        return self.groups[key]

    def organisation(self, name: str) -> Organisation:
        key = normalise_name(name)
        if key not in self.organisations:
            self.organisations[key], _ = Organisation.objects.get_or_create(
                partnership=self.partnership, name=name[:200]
            )
        return self.organisations[key]

    def person(self, name: str, kind: str, organisation: str) -> Person:
        key = normalise_name(name)
        person = self.people.get(key)
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
        elif organisation and not person.organisation_id:
            person.organisation = self.organisation(organisation)
            person.save(update_fields=["organisation"])
        return person
