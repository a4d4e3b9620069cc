"""`history --plot`: run duration over time, coloured by status, with the p95 line (a PNG, matplotlib's Agg)."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .history import percentile
from .runs import Run, format_duration, parse_time

COLOURS = {"success": "#2e7d32", "error": "#c62828", "cancelled": "#f9a825"}


def plot_history(runs: list[Run], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display needed: CI machines and servers have none
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    points = [(parse_time(run.started_at or run.created_at), run.run_duration, run.word) for run in runs]
    points = [(when, seconds, word) for when, seconds, word in points if when is not None and seconds is not None]
    figure, axes = plt.subplots(figsize=(10, 4.5), dpi=110)
    try:
        for word, colour in COLOURS.items():
            chosen = [(when, seconds) for when, seconds, status in points if status == word]
            if chosen:
                axes.scatter([w for w, _ in chosen], [s for _, s in chosen], s=14, color=colour,
                             label=f"{word} ({len(chosen)})", zorder=3)
        p95 = percentile([float(seconds) for _, seconds, word in points if word in COLOURS], 0.95)
        if p95 is not None:
            axes.axhline(p95, color="#455a64", linestyle="--", linewidth=1,
                         label=f"p95 {format_duration(p95)}")
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
