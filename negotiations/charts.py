"""Inline SVG charts drawn on the server: the gap dumbbell and the per-issue sparkline.

Geometry only; templates draw it. No JavaScript chart library.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from negotiations.gap import GapRow


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Ghost:
    """Where the two sides stood the round before, drawn faint behind the current bell
    so that the move shows."""

    round_number: int
    x_a: float | None
    x_b: float | None
    value_a: Decimal | None
    value_b: Decimal | None


@dataclass(frozen=True)
class Dumbbell:
    row: GapRow
    y: float
    label_y: float
    x_a: float | None
    x_b: float | None
    value_a: Decimal | None
    value_b: Decimal | None
    # Both sides at one rate: one marker, labelled, rather than a dot hiding the other.
    same: bool = False
    # Two different rates drawn closer than a dot: each side's dot off the line, A above.
    y_a: float = 0
    y_b: float = 0
    ghost: Ghost | None = None


@dataclass(frozen=True)
class DumbbellChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: float
    ticks: tuple[Tick, ...]
    bells: tuple[Dumbbell, ...]
    previous_round: int | None = None  # the round the ghosts show


ROW_HEIGHT = 38
LABEL_WIDTH = 190
TOP = 16
AXIS_SPACE = 34
DOT_RADIUS = 6
OFFSET = 5  # how far two dots that would overlap are drawn off the row's line


def dumbbell_chart(rows: list[GapRow], *, width: int = 760) -> DumbbellChart | None:
    """One line per issue from side A's target to side B's, on a shared percent axis;
    behind it, faint, where the two stood the round before, when that differs.

    Issues where neither side stated a target have nothing to draw and are left out.
    """
    drawable = [
        row for row in rows if _target(row.side_a) is not None or _target(row.side_b) is not None
    ]
    if not drawable:
        return None
    targets = [
        value
        for row in drawable
        for value in (
            _target(row.side_a),
            _target(row.side_b),
            *((row.previous.target_a, row.previous.target_b) if row.previous else ()),
        )
        if value is not None
    ]
    # An axis of at least 10%, so that two targets of 0% still get a readable scale.
    highest = max(max(targets), Decimal("10"))
    step = _tick_step(highest)
    top_value = (int(highest / step) + 1) * step
    plot_left, plot_right = LABEL_WIDTH, width - 24

    def x(value: Decimal | None) -> float | None:
        if value is None:
            return None
        return round(plot_left + float(value) / top_value * (plot_right - plot_left), 1)

    bells = []
    for index, row in enumerate(drawable):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        a, b = _target(row.side_a), _target(row.side_b)
        x_a, x_b = x(a), x(b)
        same = a is not None and a == b
        close = not same and None not in (x_a, x_b) and abs(x_a - x_b) < 2 * DOT_RADIUS
        bells.append(
            Dumbbell(
                row,
                y,
                y + 4,
                x_a,
                x_b,
                a,
                b,
                same=same,
                y_a=y - OFFSET if close else y,
                y_b=y + OFFSET if close else y,
                ghost=_ghost(row, (a, b), x),
            )
        )
    axis_y = TOP + len(drawable) * ROW_HEIGHT + 4
    ticks = tuple(Tick(x(Decimal(value)), f"{value}%") for value in range(0, top_value + 1, step))
    return DumbbellChart(
        width=width,
        height=int(axis_y + AXIS_SPACE),
        plot_left=plot_left,
        plot_right=plot_right,
        axis_y=axis_y,
        ticks=ticks,
        bells=tuple(bells),
        previous_round=next(
            (bell.ghost.round_number for bell in bells if bell.ghost is not None), None
        ),
    )


def _target(position) -> Decimal | None:
    return None if position is None else position.target_rate_pct


def _ghost(row: GapRow, now: tuple, x) -> Ghost | None:
    """The round before, where it had a target that differs from now's."""
    before = row.previous
    if before is None or (before.target_a, before.target_b) == now:
        return None
    if before.target_a is None and before.target_b is None:
        return None
    return Ghost(
        before.round_number,
        x(before.target_a),
        x(before.target_b),
        before.target_a,
        before.target_b,
    )


def _tick_step(highest: Decimal) -> int:
    for step in (5, 10, 20, 50, 100, 200):
        if highest / step <= 6:
            return step
    return 250


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    segments: tuple[str, ...]  # SVG polyline point lists; a round with no number breaks it
    dots: tuple[tuple[float, float], ...]
    last: tuple[float, float] | None


def sparkline(row: GapRow, *, width: int = 84, height: int = 22) -> Sparkline | None:
    """The gap per round as a small line; None when fewer than two rounds had a number."""
    values = [point.gap_pp for point in row.history]
    numbered = [v for v in values if v is not None]
    if len(numbered) < 2:
        return None
    top = max(numbered) or Decimal("1")
    count = len(values)

    def point(index: int, value: Decimal) -> tuple[float, float]:
        px = 2 + (width - 4) * (index / (count - 1 if count > 1 else 1))
        py = 2 + (height - 4) * (1 - float(value) / float(top))
        return (round(px, 1), round(py, 1))

    segments, current, dots = [], [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(point(index, value))
        dots.append(point(index, value))
    if current:
        segments.append(current)
    return Sparkline(
        width=width,
        height=height,
        segments=tuple(" ".join(f"{x},{y}" for x, y in seg) for seg in segments),
        dots=tuple(dots),
        last=dots[-1] if dots else None,
    )
