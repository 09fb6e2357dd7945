"""Deploy a synthesized stack to a running emulator: copy + override, init offline, apply, plan, destroy.

Every step is timed; :class:`Deployment` keeps the numbers for the report.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ops import terraform as tf
from stack.layer_build import BuiltLayer

from . import target
from .ministack import MiniStack, emulator_python

GEN_DIR = Path(__file__).resolve().parent.parent / ".gen"


def run_workdir(name: str) -> Path:
    """A new directory for one run of the harness, ``.gen/<name>/<UTC timestamp>-<random>/``."""
    base = GEN_DIR / name
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-", time.gmtime()), dir=base))


class DriftError(RuntimeError):
    pass


@dataclass
class Deployment:
    emulator: MiniStack
    stack_dir: Path  # the copy, with the override file
    timings: dict[str, float] = field(default_factory=dict)
    resources: int = 0
    applied: bool = False
    layer: BuiltLayer | None = None  # the dependency layer built for the emulator's interpreter

    @property
    def env(self) -> dict[str, str | None]:
        return self.emulator.terraform_env()

    def _timed(self, name: str, action: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        try:
            result = action()
        finally:
            self.timings[name] = time.perf_counter() - started
        output = result[1] if isinstance(result, tuple) else getattr(result, "stdout", "")
        (self.stack_dir.parent / f"{name}.log").write_text(output or "")  # next to the copy, for diagnosis
        return result

    def init(self) -> None:
        self._timed("init", lambda: tf.init(self.stack_dir, backend=True))

    def apply(self) -> None:
        self._timed("apply", lambda: tf.apply(self.stack_dir, extra_env=self.env))
        self.applied = True
        self.resources = len(self.managed_resources())

    def plan_is_empty(self) -> tuple[bool, str]:
        changes, output = self._timed("plan", lambda: tf.plan_changes(self.stack_dir, extra_env=self.env))
        return not changes, output

    def destroy(self) -> list[str]:
        """Destroy; returns what is left in the state (empty when everything was destroyed)."""
        self._timed("destroy", lambda: tf.destroy(self.stack_dir, extra_env=self.env))
        self.applied = False
        return self.managed_resources()

    def managed_resources(self) -> list[str]:
        return [a for a in tf.state_addresses(self.stack_dir, extra_env=self.env) if not a.startswith("data.")]


def prepare(emulator: MiniStack, synthesized_stack: Path, workdir: Path) -> Deployment:
    layer = target.emulator_layer(emulator_python())
    copy = target.prepare(synthesized_stack, workdir, emulator.endpoint, ca_bundle=emulator.ca_bundle, layer=layer)
    return Deployment(emulator=emulator, stack_dir=copy, layer=layer)


@contextmanager
def deployed(
    emulator: MiniStack, synthesized_stack: Path, workdir: Path, *, keep: bool = False, check_drift: bool = True
) -> Iterator[Deployment]:
    """init + apply (+ the no-drift plan); yields; destroys unless ``keep`` (also after a failure)."""
    deployment = prepare(emulator, synthesized_stack, workdir)
    deployment.init()
    try:
        deployment.apply()
        if check_drift:
            empty, output = deployment.plan_is_empty()
            if not empty:
                summary = [line for line in output.splitlines() if line.startswith(("Plan:", "  # "))]
                raise DriftError("terraform plan after apply is not empty:\n" + "\n".join(summary))
        yield deployment
    finally:
        if not keep:
            deployment.destroy()
