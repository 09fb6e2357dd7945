"""The policy gate: checkov (our CKV_FIN_* checks + its built-in AWS checks) on synthesized CDKTF output.

    governance-gate [CDKTF_OUT ...] [--policy FILE] [--reports DIR] [--checkov PATH] [-- extra checkov args]
    python -m policies.gate ...                     (the same, from a checkout)
    governance-checks-dir [--config-file]           (for plain checkov --external-checks-dir / --config-file)

Runs checkov from its own environment (pinned, its dependencies conflict with a stack's) once over every
``stacks/*/cdk.tf.json`` below the given directories (default ``cdktf.out``), offline: ``--skip-download``
(policies/checkov.yaml), no version check (``CKV_SKIP_PACKAGE_UPDATE_CHECK``), no platform mapping
download (``BC_SKIP_MAPPING``), no API key. checkov prints its report on the terminal and writes
``results_sarif.sarif``, ``results_junitxml.xml``, ``results_json.json`` and ``results_cli.txt`` to
``--reports``; the gate then prints one line per failure naming the check id, the Terraform address
and the construct path (checkov's own output shows ``resource.<name>`` for terraform_json).

Which checkov (:func:`find_checkov`): ``--checkov``, else ``$CHECKOV``, else the ``checkov`` installed beside
the gate (the toolkit installed into checkov's environment, the documented set-up), else
``./.venv-checkov/bin/checkov`` (this repository's ``make checkov-env``), else ``checkov`` on ``PATH``.
The ``CKV_FIN_*`` checks import the toolkit inside checkov's environment, so the toolkit must be installed
there as well (it has no dependencies).

Exit code: 0 clean; 1 failed checks, parsing errors, or a custom check that did not load (checkov
only logs those); 2 usage errors (no stacks found, checkov not installed) or checkov crashed.
Runs with the project interpreter or any Python >= 3.11: it imports neither checkov nor cdktf.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POLICIES = Path(__file__).resolve().parent
CHECKS_DIR = POLICIES / "checks"
CONFIG_FILE = POLICIES / "checkov.yaml"
CHECKOUT_CHECKOV = Path(".venv-checkov") / "bin" / "checkov"  # relative to the working directory
OFFLINE_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",  # checkov.common.util.banner: PyPI version check at import
    "BC_SKIP_MAPPING": "TRUE",  # no policy-id mapping download
    "LOG_LEVEL": "WARNING",
}
SCAN_ROOTS_ENV = "GOVERNANCE_SCAN_ROOTS"  # where the CKV_FIN_* checks find the scanned files (fin_base)
POLICY_ENV = "GOVERNANCE_POLICY"  # the policy file the CKV_FIN_* checks apply (aspects.policy)
LOAD_ERROR = re.compile(r"Cannot load external check '(?P<name>[^']+)'|Refusing to load unverified external check")


@dataclass(frozen=True)
class Failure:
    check_id: str
    check_name: str
    address: str
    construct_path: str
    file: str
    details: tuple[str, ...]

    def format(self) -> str:
        head = f"FAILED {self.check_id} {self.address} [{self.construct_path}] {self.file}"
        if self.details:
            return head + "".join(f"\n    {line}" for line in self.details)
        return f"{head}\n    {self.check_name}"


def skip_reasons(config: Path = CONFIG_FILE) -> dict[str, str]:
    """check id -> its reason: every id listed under ``skip-check:`` with the comment block right above it
    (ids listed together share the comment above the group; an id without one maps to "")."""
    reasons: dict[str, str] = {}
    inside, group = False, False
    comment: list[str] = []
    for line in config.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped:
            comment, group = [], False
            continue
        if not line.startswith(" "):
            inside = line.startswith("skip-check:")
            comment, group = [], False
            continue
        if not inside:
            continue
        if stripped.startswith("#"):
            comment = [] if group else comment
            comment.append(stripped.lstrip("#").strip())
            group = False
        elif stripped.startswith("- "):
            reasons[stripped[2:].split("#")[0].strip()] = " ".join(comment)
            group = True
    return reasons


def skipped_builtin_checks(config: Path = CONFIG_FILE) -> list[str]:
    """The check ids listed under ``skip-check:`` in a checkov config (the toolkit's by default)."""
    return list(skip_reasons(config))


def stack_skips(paths: Sequence[Path]) -> tuple[list[str], list[str]]:
    """(check ids, problems) of a stack's own skip lists (``--skip-config``): each id needs a reason
    comment above it that names it, and the CKV_FIN_* checks cannot be skipped (suppress a finding instead)."""
    ids: list[str] = []
    problems: list[str] = []
    for path in paths:
        if not path.is_file():
            problems.append(f"{path}: not found")
            continue
        reasons = skip_reasons(path)
        if not reasons:
            problems.append(f"{path}: no check ids under skip-check:")
        for check_id, reason in reasons.items():
            if check_id.startswith("CKV_FIN"):
                problems.append(f"{path}: {check_id} cannot be skipped: suppress the finding with a reason instead")
            elif check_id not in reason:
                problems.append(f"{path}: {check_id} needs a reason in the comment right above it, naming it")
            elif check_id not in ids:
                ids.append(check_id)
    return ids, problems


def checkov_candidates(explicit: Path | None = None) -> list[Path]:
    """Where :func:`find_checkov` looks, in order (see the module docstring)."""
    candidates = [] if explicit is None else [explicit]
    if os.environ.get("CHECKOV"):
        candidates.append(Path(os.environ["CHECKOV"]))
    candidates += [Path(sys.executable).parent / "checkov", CHECKOUT_CHECKOV]
    on_path = shutil.which("checkov")
    if on_path:
        candidates.append(Path(on_path))
    return candidates


def find_checkov(explicit: Path | None = None) -> Path | None:
    """The checkov executable to run: ``explicit`` when given (even if missing), else the first that exists."""
    if explicit is not None:
        return explicit if explicit.exists() else None
    return next((path for path in checkov_candidates() if path.exists()), None)


def find_stacks(directories: Iterable[Path]) -> list[Path]:
    return sorted(p for d in directories for p in d.rglob("*.tf.json") if ".terraform" not in p.parts)


def checkov_command(
    checkov: Path, directories: Sequence[Path], reports: Path, extra: Sequence[str], skips: Sequence[str] = ()
) -> list[str]:
    command = [str(checkov), "--config-file", str(CONFIG_FILE), "--external-checks-dir", str(CHECKS_DIR)]
    if skips:  # on the command line, checkov replaces the config file's list: pass the toolkit's too
        command += ["--skip-check", ",".join(dict.fromkeys([*skipped_builtin_checks(), *skips]))]
    for directory in directories:
        command += ["-d", str(directory)]
    for output in ("cli", "json", "sarif", "junitxml"):
        command += ["-o", output]
    return [*command, "--output-file-path", str(reports), *extra]


def _reports(raw: Any) -> Iterator[dict[str, Any]]:
    for report in raw if isinstance(raw, list) else [raw]:
        if isinstance(report, dict) and "results" in report:
            yield report


@dataclass
class _Documents:
    cache: dict[str, dict[str, Any]]

    def get(self, path: str) -> dict[str, Any]:
        if path not in self.cache:
            try:
                self.cache[path] = json.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.cache[path] = {}
        return self.cache[path]


def resolve(record: dict[str, Any], documents: _Documents) -> tuple[str, str]:
    """(Terraform address, construct path) of a checkov record.

    checkov's terraform_json runner names Python-check results ``resource.<name>`` / ``data.<name>``
    (the type is dropped); graph checks use ``<type>.<name>``. Both are resolved in the scanned file.
    """
    resource = str(record.get("resource", ""))
    document = documents.get(str(record.get("file_abs_path", "")))
    head, _, name = resource.partition(".")
    candidates: list[tuple[str, str, dict[str, Any]]] = []
    if head in ("resource", "data"):
        section = "resource" if head == "resource" else "data"
        candidates = [
            (section, type_, blocks[name])
            for type_, blocks in (document.get(section) or {}).items()
            if isinstance(blocks, dict) and name in blocks
        ]
    else:
        type_ = head[5:] if head.startswith("data.") else head
        for section in ("resource", "data"):
            blocks = (document.get(section) or {}).get(type_) or {}
            if name in blocks:
                candidates.append((section, type_, blocks[name]))
    if not candidates:
        return resource, "?"
    section, type_, config = candidates[0]
    address = f"{'data.' if section == 'data' else ''}{type_}.{name}"
    meta = config.get("//") if isinstance(config, dict) else None
    path = ((meta or {}).get("metadata") or {}).get("path") if isinstance(meta, dict) else None
    return address, path or "?"


def _shown(record: dict[str, Any]) -> str:
    """The scanned file, relative to the working directory when below it (checkov's is per -d root)."""
    path = Path(str(record.get("file_abs_path") or record.get("file_path", "")))
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _first_line(shown: str) -> int:
    start = shown.rsplit(":", 1)[-1].split("-")[0]
    return int(start) if start.isdigit() else 0


def summarize(raw: Any) -> tuple[dict[str, int], list[Failure]]:
    totals = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}
    failures: list[Failure] = []
    documents = _Documents({})
    for report in _reports(raw):
        summary = report.get("summary", {})
        for key in totals:
            totals[key] += int(summary.get(key, 0))
        for record in report["results"].get("failed_checks", []):
            address, path = resolve(record, documents)
            failures.append(
                Failure(
                    record.get("check_id", "?"),
                    record.get("check_name", ""),
                    address,
                    path,
                    f"{_shown(record)}:{'-'.join(map(str, record.get('file_line_range', [])))}",
                    tuple(record.get("details") or ()),
                )
            )
    failures.sort(key=lambda f: (f.file.rsplit(":", 1)[0], _first_line(f.file), f.address, f.check_id))
    return totals, failures


def suppressed(junit: Path) -> list[str]:
    """``check id, resource, reason`` of every SKIPPED result (the JUnit report is the one that keeps them)."""
    if not junit.exists():
        return []
    lines = []
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        skipped = case.find("skipped")
        if skipped is None:
            continue
        check = re.search(r"\[(CKV[\w]*_\d+)\]", case.get("name", ""))
        resource = re.split(r"\.(?=(?:resource|data)\.)", case.get("classname", ""), maxsplit=1)[-1]
        lines.append(f"SKIPPED {check.group(1) if check else '?'} {resource}: {skipped.get('message', '')}")
    return sorted(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        index = argv.index("--")
        argv, extra = argv[:index], argv[index + 1 :]
    parser = argparse.ArgumentParser(prog="governance-gate", description=__doc__.split("\n\n")[0])
    parser.add_argument("directories", nargs="*", type=Path, help="cdktf.out directories (default: cdktf.out)")
    parser.add_argument("--reports", type=Path, default=Path("reports"), help="SARIF/JUnit/JSON output directory")
    parser.add_argument(
        "--checkov",
        type=Path,
        default=None,
        help="checkov executable; default: $CHECKOV, else the one beside this gate, else ./.venv-checkov/bin/checkov, "
        "else checkov on PATH",
    )
    parser.add_argument(
        "--skip-config",
        type=Path,
        action="append",
        default=[],
        help="the stack's own checkov skip list (YAML, skip-check: with a reason comment above each id), added to "
        "the toolkit's; repeatable",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        default=None,
        help="governance policy file (TOML) for the CKV_FIN_* checks; default: $GOVERNANCE_POLICY, else the policy "
        "govern() recorded in each document, else ./governance.toml, else the built-in defaults",
    )
    args = parser.parse_args(argv)
    directories = [d.resolve() for d in (args.directories or [Path("cdktf.out")])]

    missing = [str(d) for d in directories if not d.is_dir()]
    if missing:
        print(f"policy gate: not a directory: {', '.join(missing)} (run the synth first)", file=sys.stderr)
        return 2
    stacks = find_stacks(directories)
    if not stacks:
        print(f"policy gate: no *.tf.json under {', '.join(map(str, directories))}", file=sys.stderr)
        return 2
    skips, problems = stack_skips(args.skip_config)
    if problems:
        print("policy gate: invalid --skip-config:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    checkov = find_checkov(args.checkov)
    if checkov is None:
        tried = ", ".join(map(str, [args.checkov] if args.checkov else checkov_candidates()))
        print(
            f"policy gate: checkov not found (tried {tried}): install checkov and the toolkit in one environment "
            "(README: Adopt the toolkit in your stack), or run `make checkov-env` in this repository",
            file=sys.stderr,
        )
        return 2
    args.reports.mkdir(parents=True, exist_ok=True)
    for stale in args.reports.glob("results_*"):
        stale.unlink()

    print(f"policy gate: {len(stacks)} stack file(s): " + ", ".join(str(s) for s in stacks), flush=True)
    env = {**os.environ, **OFFLINE_ENV, SCAN_ROOTS_ENV: os.pathsep.join(map(str, directories))}
    if args.policy is not None:
        if not args.policy.is_file():
            print(f"policy gate: policy file {args.policy} not found", file=sys.stderr)
            return 2
        env[POLICY_ENV] = str(args.policy.resolve())
    # checkov also prints every -o format on stdout: show its CLI report (results_cli.txt) instead
    completed = subprocess.run(
        checkov_command(checkov, directories, args.reports, extra, skips),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(completed.stderr)
    cli_report = args.reports / "results_cli.txt"
    print(cli_report.read_text(encoding="utf-8") if cli_report.exists() else completed.stdout, flush=True)
    load_errors = sorted({m.group("name") or "?" for m in LOAD_ERROR.finditer(completed.stderr)})

    results = args.reports / "results_json.json"
    if completed.returncode not in (0, 1) or not results.exists():
        print(f"policy gate: checkov exited {completed.returncode} without a report", file=sys.stderr)
        return 2
    totals, failures = summarize(json.loads(results.read_text(encoding="utf-8")))

    print("\n=== policy gate ===")
    for failure in failures:
        print(failure.format())
    for line in suppressed(args.reports / "results_junitxml.xml"):
        print(line)
    for name in load_errors:
        print(f"ERROR custom check {name} did not load (see the traceback above)")
    print(
        f"policy gate: {totals['passed']} passed, {totals['failed']} failed, "
        f"{totals['skipped']} skipped (suppressed with a reason), {totals['parsing_errors']} parsing errors; "
        f"{len(skipped_builtin_checks())} built-in checks not run (policies/checkov.yaml)"
        + "".join(f" + {len(stack_skips([p])[0])} ({p})" for p in args.skip_config)
        + "; "
        f"reports in {args.reports}/ (SARIF, JUnit XML, JSON)"
    )
    ok = completed.returncode == 0 and not failures and not totals["parsing_errors"] and not load_errors
    print("policy gate: PASSED" if ok else "policy gate: FAILED")
    return 0 if ok else 1


def checks_dir_main(argv: Sequence[str] | None = None) -> int:
    """``governance-checks-dir``: print the CKV_FIN_* checks directory (or the checkov config file)."""
    parser = argparse.ArgumentParser(
        prog="governance-checks-dir",
        description="Print the directory of the CKV_FIN_* checks for checkov --external-checks-dir "
        "(with --config-file: the toolkit's checkov configuration, with its skip list, for checkov --config-file).",
    )
    parser.add_argument("--config-file", action="store_true", help="print the checkov configuration file instead")
    args = parser.parse_args(argv)
    print(CONFIG_FILE if args.config_file else CHECKS_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
