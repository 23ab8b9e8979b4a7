"""Each plan's ratings at its last meetings as a small chart, with the same figures as a
table: one column per meeting, its actions stacked by rating. The dashboard and the pack's
summary draw the same charts from a Pack's trends."""

from dataclasses import dataclass

from plans.models import Plan, readable_text_colour
from reporting.packs import SCALE_COLOURS, SCALE_LABELS, SCALE_ORDER, Pack, TrendPoint

# In SVG user units (CSS pixels): a column, the space between, the stack's height, room for
# the two lines of its date below.
TREND = {"column": 40, "gap": 12, "stack": 80, "dates": 28}
TREND |= {"middle": TREND["column"] // 2, "date": TREND["stack"] + 13, "year": TREND["stack"] + 26}
# A count is written in its block when the block is tall enough to hold it.
MIN_LABELLED = 11


@dataclass(frozen=True)
class Block:
    y: float
    height: float
    count: int
    colour: str
    text_colour: str

    @property
    def middle(self) -> float:
        return round(self.y + self.height / 2 + 4, 2)  # +4: the text's baseline, centred

    @property
    def labelled(self) -> bool:
        return self.height >= MIN_LABELLED


@dataclass(frozen=True)
class Column:
    x: int
    point: TrendPoint
    blocks: list[Block]


@dataclass(frozen=True)
class TrendChart:
    plan: Plan
    columns: list[Column]
    # The table's rows: a scale's label and its count in each column, for the scales used.
    rows: list[tuple[str, list[int]]]
    size = TREND

    @property
    def width(self) -> int:
        return len(self.columns) * (TREND["column"] + TREND["gap"])

    @property
    def height(self) -> int:
        return TREND["stack"] + TREND["dates"]

    @property
    def day(self):
        """The day of its last column: the pack's."""
        return self.columns[-1].point.day

    @property
    def totals(self) -> list[int]:
        return [sum(column.point.counts.values()) for column in self.columns]


def column(x: int, point: TrendPoint) -> Column:
    """A column of blocks, one per scale in the report order from the top, their heights
    shares of the stack (every column is as tall: it shows proportions)."""
    total = sum(point.counts.values())
    blocks, y = [], 0.0
    for scale in SCALE_ORDER:
        count = point.counts.get(scale, 0)
        if not count:
            continue
        height = TREND["stack"] * count / total
        colour = SCALE_COLOURS[scale]
        blocks.append(
            Block(round(y, 2), round(height, 2), count, colour, readable_text_colour(colour))
        )
        y += height
    return Column(x, point, blocks)


def trend_chart(plan: Plan, points: list[TrendPoint]) -> TrendChart:
    step = TREND["column"] + TREND["gap"]
    columns = [column(i * step + TREND["gap"] // 2, point) for i, point in enumerate(points)]
    used = [s for s in SCALE_ORDER if any(point.counts.get(s) for point in points)]
    rows = [(SCALE_LABELS[s], [point.counts.get(s, 0) for point in points]) for s in used]
    return TrendChart(plan, columns, rows)


def trend_charts(pack: Pack) -> list[TrendChart]:
    """A chart per plan of the pack, in its order; a plan with no earlier meeting has a
    single column."""
    return [
        trend_chart(plan_pack.plan, pack.trends[plan_pack.plan.pk])
        for plan_pack in pack.plans
        if pack.trends.get(plan_pack.plan.pk)
    ]
