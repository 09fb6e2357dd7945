"""A CDKTF app entry point with a governed, violating stack: ``python violating_app.py <outdir>``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from tests.aspects.govern_cases import build_violations
from tfcdk import App

if __name__ == "__main__":
    app = App(outdir=sys.argv[1])
    build_violations(app)
    app.synth()
