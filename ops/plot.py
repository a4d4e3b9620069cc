"""`history --plot`: run duration over time, coloured by status, with the p95 line (a PNG, matplotlib's Agg)."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .history import percentile
from .runs import Run, format_duration, parse_time

COLOURS = {"success": "#2e7d32", "error": "#c62828", "cancelled": "#f9a825"}
TICK_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
"""Duration tick spacings that read well as HH:MM:SS."""
OUTLIER_FACTOR = 3
"""Runs longer than this many times the p95 are drawn at the top edge, labelled, so that one stuck run of a day
does not flatten every other point."""


def tick_step(top: float, ticks: int = 5) -> int:
    return next((step for step in TICK_STEPS if top / step <= ticks), TICK_STEPS[-1])


def plot_history(runs: list[Run], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display needed: CI machines and servers have none
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    points = [(parse_time(run.started_at or run.created_at), run.run_duration, run.word) for run in runs]
    points = [(when, seconds, word) for when, seconds, word in points if when is not None and seconds is not None]
    figure, axes = plt.subplots(figsize=(10, 4.5), dpi=110)
    try:
        p95 = percentile([float(seconds) for _, seconds, word in points if word in COLOURS], 0.95)
        longest = max((seconds for _, seconds, _ in points), default=0)
        top = p95 * OUTLIER_FACTOR if p95 and longest > p95 * OUTLIER_FACTOR else None
        for word, colour in COLOURS.items():
            chosen = [(when, seconds) for when, seconds, status in points if status == word]
            shown = [(when, seconds) for when, seconds in chosen if top is None or seconds <= top]
            above = [(when, seconds) for when, seconds in chosen if top is not None and seconds > top]
            if chosen:
                axes.scatter(
                    [w for w, _ in shown],
                    [s for _, s in shown],
                    s=14,
                    color=colour,
                    label=f"{word} ({len(chosen)})",
                    zorder=3,
                )
            for when, seconds in above:
                axes.scatter([when], [top], marker="^", s=40, color=colour, zorder=4, clip_on=False)
                axes.annotate(
                    format_duration(seconds),
                    (when, top),
                    textcoords="offset points",
                    xytext=(7, -12),
                    fontsize="small",
                    color=colour,
                )
        if p95 is not None:
            axes.axhline(p95, color="#455a64", linestyle="--", linewidth=1, label=f"p95 {format_duration(p95)}")
        axes.set_ylim(0, top if top is not None else max(longest * 1.1, 60))
        axes.yaxis.set_major_locator(MultipleLocator(tick_step(axes.get_ylim()[1])))
        axes.set_title(title)
        axes.set_ylabel("run duration")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_duration(value)))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
        axes.grid(True, alpha=0.3)
        if points:
            axes.legend(loc="upper left", fontsize="small")
        else:
            axes.text(0.5, 0.5, "no finished runs", transform=axes.transAxes, ha="center")
        figure.autofmt_xdate()
        figure.tight_layout()
        try:
            figure.savefig(path, format="png")
        except OSError as error:
            raise UsageError(f"--plot {path}: cannot write it ({error.strerror or error})") from None
    finally:
        plt.close(figure)
