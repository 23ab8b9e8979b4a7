"""An agency's report: the actions it leads or shares (actions.agencies), rated as at a day,
as an Excel workbook and a PDF, for "what has each partner done?" in the annual report.

Ratings as at the day come from a meeting pack (reporting.packs.build_pack) of the plans that
hold the agency's actions, so the report rates an action exactly as a pack of that day does.
Both files render one AgencyReport, so they always agree. The workbook follows the Excel
report's styles (reporting.excel), every text cell written through reporting.cells; the PDF
is one template laid out by reporting.pdf.html_to_pdf, which fetches nothing but the app's
static files.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from openpyxl.utils import get_column_letter

from actions.agencies import AgencyRole, agency_links, naming, role_counts, roles_for
from actions.models import Action
from plans.badges import PDF_CLASS, rating_css
from plans.models import Organisation, Plan
from reporting.cells import new_workbook, workbook_bytes
from reporting.excel import (
    ACTION_STATUS_COLUMNS,
    BOLD,
    DATETIME_FORMAT,
    HEADING,
    SCALE_COLUMNS,
    TITLE,
    action_text,
    count_cells,
    header_row,
    outcome_text,
    print_setup,
    put,
    put_date,
    put_progress,
    set_widths,
    write_ratings_legend,
)
from reporting.packs import SCALE_LABELS, SCALE_ORDER, ActionLine, Pack, build_pack


@dataclass
class AgencyRow:
    plan: Plan
    line: ActionLine  # the action as at the day: its rating, update and whether overdue
    role: AgencyRole
    steps: list = field(default_factory=list)  # the steps whose lead names the agency

    @property
    def scale(self) -> str | None:
        return self.line.scale

    @property
    def step_labels(self) -> str:
        """The steps it leads by their labels (an unlabelled bullet by its first words)."""
        return ", ".join(step.label or f"“{Truncator(step.text).words(6)}”" for step in self.steps)


@dataclass
class AgencyReport:
    agency: Organisation
    pack: Pack  # the plans holding the agency's actions, rated as at the day
    rows: list[AgencyRow]

    @property
    def as_at(self) -> datetime.date:
        return self.pack.as_at

    @property
    def partnership(self):
        return self.pack.partnership

    @property
    def title(self) -> str:
        return self.pack.title

    @property
    def counts(self) -> dict[str, Counter]:
        return role_counts(self.rows)

    def count(self, role) -> int:
        return sum(1 for row in self.rows if row.role == role)

    @property
    def by_plan(self) -> list[tuple[Plan, list[AgencyRow]]]:
        groups: dict[int, tuple[Plan, list]] = {}
        for row in self.rows:
            groups.setdefault(row.plan.pk, (row.plan, []))[1].append(row)
        return list(groups.values())


def report_title(agency: Organisation, as_at: datetime.date) -> str:
    return f"{agency.name}: actions led and shared, as at {as_at:%-d %B %Y}"


def build_agency_report(agency: Organisation, as_at: datetime.date) -> AgencyReport:
    """The agency's live actions (as it leads or shares them now), rated as at the day."""
    links = agency_links(naming(agency))
    roles = roles_for(agency, links)
    plan_ids = set(
        Action.objects.filter(pk__in=list(roles)).values_list("outcome__plan_id", flat=True)
    )
    pack = build_pack(
        partnership=agency.partnership,
        plans=Plan.objects.filter(pk__in=plan_ids),
        as_at=as_at,
        title=report_title(agency, as_at),
    )
    rows = []
    for plan_pack in pack.plans:
        for line in plan_pack.lines:
            role = roles.get(line.action.pk)
            if role is None:
                continue
            named = {pk for pk, found in links[line.action.pk].steps.items() if agency.pk in found}
            steps = [step for step in line.action.live_steps if step.pk in named]
            rows.append(AgencyRow(plan_pack.plan, line, role, steps))
    return AgencyReport(agency=agency, pack=pack, rows=rows)


# --- Excel ----------------------------------------------------------------------------------

ACTION_COLUMNS = [
    ("Plan", 28),
    ("Outcome", 32),
    ("Action number", 9),
    ("Action", 56),
    ("Role", 10),
    ("Steps it leads", 12),
    *ACTION_STATUS_COLUMNS,
    ("Past due date", 9),
]
SUMMARY_WIDTHS = [40, 12, 14, 14, 14, 14, 14, 14]


def render_agency_xlsx(report: AgencyReport) -> bytes:
    workbook, summary = new_workbook(report.title, "Summary")
    write_summary(summary, report)
    write_actions(workbook.create_sheet("Actions"), report)
    return workbook_bytes(workbook)


def write_summary(sheet, report: AgencyReport) -> None:
    pack = report.pack
    put(sheet, 1, 1, report.title, font=TITLE)
    facts = [
        ("Partnership", report.partnership.name),
        ("Agency", report.agency.name),
        ("Ratings as at", report.as_at),
        ("Generated", timezone.localtime(pack.generated_at).replace(tzinfo=None)),
        ("Actions it leads", report.count(AgencyRole.LEADS)),
        ("Actions it shares", report.count(AgencyRole.SHARES)),
    ]
    row = 2
    for label, value in facts:
        row += 1
        put(sheet, row, 1, label, font=BOLD)
        if label == "Ratings as at":
            put_date(sheet, row, 2, value)
        else:
            cell = put(sheet, row, 2, value)
            if label == "Generated":
                cell.number_format = DATETIME_FORMAT
    row += 2
    put(sheet, row, 1, "Actions by rating", font=HEADING)
    header_row(sheet, row + 1, ["Role", "Actions", *(h for _, h in SCALE_COLUMNS)])
    row += 1
    counts = report.counts
    for key, name in [(AgencyRole.LEADS, "Leads"), (AgencyRole.SHARES, "Shares")]:
        row += 1
        count_cells(sheet, row, [name], sum(counts[key].values()), counts[key])
    row += 1
    count_cells(sheet, row, ["All"], len(report.rows), counts["all"], font=BOLD)
    write_ratings_legend(sheet, row + 2, pack)
    set_widths(sheet, SUMMARY_WIDTHS)
    print_setup(sheet, pack, report.title)


def write_actions(sheet, report: AgencyReport) -> None:
    header_row(sheet, 1, [heading for heading, _ in ACTION_COLUMNS])
    row = 1
    for item in report.rows:
        row += 1
        line, action = item.line, item.line.action
        values = [
            item.plan.full_title,
            outcome_text(action.outcome),
            action.number,
            action_text(action),
            item.role.label,
            item.step_labels,
            action.lead,
            action.timeframe,
        ]
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
        put_progress(sheet, row, 9, line)
        put(sheet, row, 13, "Yes" if line.overdue else "No")
    set_widths(sheet, [width for _, width in ACTION_COLUMNS])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(ACTION_COLUMNS))}{row}"
    print_setup(sheet, report.pack, report.title, repeat_rows="1:1")


# --- PDF ------------------------------------------------------------------------------------


def agency_html(report: AgencyReport) -> str:
    from reporting.pdf import action_cells

    counts = report.counts
    summary = [
        (name, [counts[key].get(scale, 0) for scale in SCALE_ORDER], sum(counts[key].values()))
        for key, name in [
            (AgencyRole.LEADS, "Leads"),
            (AgencyRole.SHARES, "Shares"),
            ("all", "All"),
        ]
    ]
    plans = [
        (plan, [(row, action_cells(row.line, plan, report.pack.previous_meeting)) for row in rows])
        for plan, rows in report.by_plan
    ]
    ratings = report.pack.ratings.values()
    return render_to_string(
        "reporting/agency/report.html",
        {
            "report": report,
            "partnership": report.partnership,
            "agency": report.agency,
            "scale_labels": [SCALE_LABELS[s] for s in SCALE_ORDER],
            "summary": summary,
            "plans": plans,
            "ratings": sorted(ratings, key=lambda r: (r.position, r.pk)),
        },
    )


def agency_css(report: AgencyReport) -> str:
    """The report's styles: the pack's, the report's own, and a class per rating colour.

    Given to WeasyPrint as a stylesheet rather than put in a style element, so that the
    template, like every template outside reporting/pdf, needs no inline style.
    """

    return "\n".join(
        [
            render_to_string("reporting/pdf/pack.css"),
            render_to_string("reporting/agency/report.css"),
            rating_css(report.pack.ratings.values(), PDF_CLASS),
        ]
    )


def render_agency_pdf(report: AgencyReport) -> bytes:
    """The report as PDF bytes: A4 landscape, tagged, fetching only the app's static files."""
    from reporting import pdf  # WeasyPrint is slow to import: only here

    html, css = agency_html(report), agency_css(report)
    return pdf.html_to_pdf(html, css=[css], url_fetcher=pdf.StaticOnlyURLFetcher())
