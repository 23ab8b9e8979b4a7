"""What a pack covers and its file: a meeting's pack, a plan's, the whole partnership's or
an agency's report (its Subject), its file name, and its rendering as PDF or Excel. Shared
by the download views, the render task and the make_pack command, so a scheduled pack and a
downloaded one are the same file."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.text import slugify

from plans.models import Group, Organisation, Partnership, Plan
from reporting.agency_reports import (
    AgencyReport,
    build_agency_report,
    render_agency_pdf,
    render_agency_xlsx,
)
from reporting.cells import XLSX_CONTENT_TYPE
from reporting.excel import render_pack_xlsx
from reporting.models import Meeting, StoredPack
from reporting.packs import Pack, build_pack, pack_for_meeting

FORMATS = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


@dataclass
class PackFile:
    filename: str
    content_type: str
    content: bytes


def render_pack(pack: Pack | AgencyReport, fmt: str) -> bytes:
    if isinstance(pack, AgencyReport):
        return render_agency_xlsx(pack) if fmt == "xlsx" else render_agency_pdf(pack)
    if fmt == "xlsx":
        return render_pack_xlsx(pack)
    if fmt == "pdf":
        from reporting.pack_pdf import render_pack_pdf  # WeasyPrint is slow to import: only here

        return render_pack_pdf(pack)
    raise ValueError(f"Unknown pack format {fmt!r}")


def pack_file(pack: Pack, fmt: str, what: str) -> PackFile:
    """The pack rendered in fmt, named from the partnership, what it covers and its date."""
    return PackFile(
        filename=pack_filename(pack.partnership, what, pack.as_at, fmt),
        content_type=FORMATS[fmt],
        content=render_pack(pack, fmt),
    )


def pack_filename(partnership: Partnership, what: str, day: datetime.date, fmt: str) -> str:
    """A safe ASCII file name, e.g. mscp-ess-meeting-2024-09-15.xlsx: every part slugified,
    so nothing a user typed can break the Content-Disposition header or a path."""
    parts = [slugify(partnership.short_name)[:30], slugify(what)[:60], f"{day:%Y-%m-%d}"]
    return "-".join(part for part in parts if part) + f".{fmt}"


def meeting_pack(meeting: Meeting) -> tuple[Pack, str]:
    """The pack of a meeting (every plan it covers, as at its date), and what it covers."""
    return pack_for_meeting(meeting), meeting_what(meeting)


def meeting_what(meeting: Meeting) -> str:
    return f"{meeting.group.short_name} meeting"


def plan_pack(plan: Plan, as_at: datetime.date) -> tuple[Pack, str]:
    """One plan as at a day, with changes since the last meeting of its group or the board."""
    partnership = plan.group.partnership
    previous = (
        Meeting.objects.filter(group__partnership=partnership, held_on__lt=as_at)
        .filter(Q(group=plan.group_id) | Q(group__kind=Group.Kind.BOARD))
        .order_by("-held_on")
        .first()
    )
    pack = build_pack(
        partnership=partnership,
        plans=Plan.objects.filter(pk=plan.pk),
        as_at=as_at,
        previous=previous.held_on if previous else None,
        title=f"{plan.full_title} – progress as at {as_at:%-d %B %Y}",
    )
    return pack, plan_what(plan)


def plan_what(plan: Plan) -> str:
    return f"{plan.group.short_name} {plan.period}"


def agency_what(agency: Organisation) -> str:
    return f"{agency.name} actions"


def partnership_pack(partnership: Partnership, as_at: datetime.date) -> tuple[Pack, str]:
    """Every live plan of the partnership as at a day, with changes since the last meeting
    of the board (or of any group, if the board has not met)."""
    before = Meeting.objects.filter(group__partnership=partnership, held_on__lt=as_at)
    previous = before.filter(group__kind=Group.Kind.BOARD).first() or before.first()
    pack = build_pack(
        partnership=partnership,
        plans=Plan.objects.live().for_partnership(partnership),
        as_at=as_at,
        previous=previous.held_on if previous else None,
    )
    return pack, "all plans"


@dataclass(frozen=True)
class Subject:
    """What a pack covers: a meeting, a plan, an agency (its report), or (none of them) every
    live plan of the partnership."""

    partnership: Partnership
    meeting: Meeting | None = None
    plan: Plan | None = None
    agency: Organisation | None = None

    @classmethod
    def of(cls, stored: StoredPack) -> "Subject":
        return cls(stored.partnership, stored.meeting, stored.plan, stored.agency)

    def what(self) -> str:
        """What the pack covers, in its file name."""
        if self.meeting is not None:
            return meeting_what(self.meeting)
        if self.plan is not None:
            return plan_what(self.plan)
        if self.agency is not None:
            return agency_what(self.agency)
        return "all plans"

    def pack(self, as_at: datetime.date) -> tuple[Pack | AgencyReport, str]:
        """The pack (an agency's: its report) and what it covers; a meeting's is as at the
        meeting, whatever as_at says."""
        if self.meeting is not None:
            return meeting_pack(self.meeting)
        if self.plan is not None:
            return plan_pack(self.plan, as_at)
        if self.agency is not None:
            return build_agency_report(self.agency, as_at), agency_what(self.agency)
        return partnership_pack(self.partnership, as_at)

    def renders(self, fmt: str):
        return StoredPack.objects.for_subject(
            partnership=self.partnership,
            meeting=self.meeting,
            plan=self.plan,
            agency=self.agency,
            format=fmt,
        )
