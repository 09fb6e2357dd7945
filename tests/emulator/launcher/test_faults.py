"""The test-only fault injection: the file ``MiniStack.inject_faults`` writes is the one ``take_fault`` consumes.

``take_fault`` is standard library only, so it runs here; the wrapper that calls it inside MiniStack is
exercised by the end-to-end transient-fault scenario (tests/e2e/test_pipeline.py: Retry takes 3 attempts).
"""

from __future__ import annotations

from pathlib import Path

from emulator.launcher.faults import take, take_fault
from emulator.ministack import MiniStack, server_env


def _server(workdir: Path) -> MiniStack:
    return MiniStack(port=4599, workdir=workdir, log_path=workdir / "ministack.log", region="us-east-2")


def test_the_next_count_invocations_fail_with_the_error_then_none(tmp_path: Path) -> None:
    path = server_env(port=4599, workdir=tmp_path, region="us-east-2", base={})["HARNESS_FAULTS_FILE"]
    _server(tmp_path).inject_faults("validate-fn", count=2, error="TransientError")
    assert [take_fault(path, "validate-fn") for _ in range(3)] == ["TransientError", "TransientError", None]


def test_faults_are_per_function_and_default_to_transient_error(tmp_path: Path) -> None:
    server = _server(tmp_path)
    server.inject_faults("a", count=1)
    server.inject_faults("b", count=1, error="ValidationError")
    path = str(tmp_path / "faults.json")
    assert take_fault(path, "c") is None
    taken = (take_fault(path, "b"), take_fault(path, "a"), take_fault(path, "a"))
    assert taken == ("ValidationError", "TransientError", None)


def test_no_file_means_no_fault(tmp_path: Path) -> None:
    assert take_fault(str(tmp_path / "faults.json"), "validate-fn") is None


def test_a_fault_after_the_handler_ran_says_so(tmp_path: Path) -> None:
    server = _server(tmp_path)
    server.inject_faults("range-fn", count=1, after=True)
    server.inject_faults("plan-fn", count=1)
    path = str(tmp_path / "faults.json")
    assert (take(path, "range-fn"), take(path, "range-fn")) == (("TransientError", True), None)
    assert take(path, "plan-fn") == ("TransientError", False)
