"""Chart of the monthly cost per service of two designs (PNG), from their synthesized stacks.

    .venv/bin/python -m tools.cost_chart --current cdktf.out --baseline cdktf.legacy.out \
        --output docs/cost-per-service.png                     # = make cost-chart

Both estimates use the same usage profile and price snapshot as ``cost-estimate``. Two panels: every
service, then every service but the largest, so the small ones stay readable. matplotlib (dev group),
Agg backend, fixed size and metadata so the same numbers give the same picture.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cost_estimate import prices, profile
from cost_estimate.estimate import estimate_paths
from cost_estimate.model import Comparison

CURRENT_COLOUR, BASELINE_COLOUR = "#2b8a3e", "#c92a2a"


def series(comparison: Comparison) -> tuple[list[str], list[float], list[float]]:
    """Services from the largest (either design) down, with the baseline's and the current cost."""
    rows = sorted(comparison.by_service(), key=lambda row: -max(row[1], row[2]))
    rows = [row for row in rows if max(row[1], row[2]) >= 0.005]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def draw(comparison: Comparison, output: Path, *, baseline_label: str, current_label: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    services, before, after = series(comparison)
    change = comparison.change_percent
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [1, 1]})
    for ax, start, title in ((axes[0], 0, "All services"), (axes[1], 1, f"Without {services[0]}")):
        names, b, a = services[start:][::-1], before[start:][::-1], after[start:][::-1]
        ys = range(len(names))
        ax.barh([y + 0.2 for y in ys], b, height=0.4, color=BASELINE_COLOUR, label=baseline_label)
        ax.barh([y - 0.2 for y in ys], a, height=0.4, color=CURRENT_COLOUR, label=current_label)
        ax.set_yticks(list(ys), names)
        ax.set_xlabel("USD per month")
        ax.set_title(title)
        top = max([*b, *a, 1.0])
        for y, value in [
            *((y + 0.2, v) for y, v in zip(ys, b, strict=True)),
            *((y - 0.2, v) for y, v in zip(ys, a, strict=True)),
        ]:
            ax.text(value + top * 0.01, y, f"${value:,.2f}", va="center", fontsize=7)
        ax.set_xlim(0, top * 1.25)
        ax.grid(axis="x", alpha=0.3)
    axes[0].legend(loc="lower right")
    fig.suptitle(
        f"Monthly cost per service, month {comparison.current.month} of the default usage profile: "
        f"{baseline_label} {comparison.baseline.total:,.0f} USD vs {current_label} {comparison.current.total:,.0f} USD"
        + ("" if change is None else f" ({change:+.1f}%)"),
        fontsize=11,
    )
    fig.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=110, metadata={"Software": None})
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cost_chart", description=__doc__.splitlines()[0])
    parser.add_argument("--current", type=Path, required=True, help="synthesized stacks of the current design")
    parser.add_argument("--baseline", type=Path, required=True, help="synthesized stacks of the baseline design")
    parser.add_argument("--output", type=Path, required=True, help="PNG to write")
    parser.add_argument("--usage", type=Path, help="usage profile (default: the pipeline's)")
    parser.add_argument("--current-label", default="current design")
    parser.add_argument("--baseline-label", default="legacy design")
    args = parser.parse_args(argv)
    usage = profile.load(args.usage)
    book = prices.load(region=usage.region)
    label = str(args.usage or "default profile")
    comparison = Comparison(
        estimate_paths([args.current], usage, book, profile_path=label),
        estimate_paths([args.baseline], usage, book, profile_path=label),
    )
    draw(comparison, args.output, baseline_label=args.baseline_label, current_label=args.current_label)
    print(f"cost chart: wrote {args.output} ({comparison.baseline.total:,.2f} -> {comparison.current.total:,.2f} USD)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
