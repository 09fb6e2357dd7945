"""Run with checkov's interpreter: ``.venv-checkov/bin/python unwrap_parity.py <checks dir> <cdk.tf.json>...``.

Parses each file with checkov's own terraform_json parser (values wrapped in lists, line markers),
unwraps every resource and data source with ``fin_base.unwrap`` and runs every catalog rule on both
the raw and the unwrapped config. Prints the differences as JSON (an empty list: none).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from checkov.terraform_json.parser import loads


def main(checks_dir: Path, files: list[Path]) -> None:
    sys.path.insert(0, str(checks_dir))
    from fin_base import unwrap

    from aspects.catalog import rules
    from aspects.context import StackContext
    from aspects.tfjson import Resource

    differences, compared = [], 0
    for path in files:
        raw = json.loads(path.read_text())
        context = StackContext.from_document(raw)
        parsed, _ = loads(path)
        for mode in ("resource", "data"):
            for entry in parsed.get(mode, []):
                for type_, by_name in entry.items():
                    for name, conf in by_name.items():
                        original = Resource.from_config(type_, name, raw[mode][type_][name], mode)
                        unwrapped = Resource.from_config(type_, name, unwrap(conf), mode)
                        compared += 1
                        if unwrapped.meta != original.meta:
                            differences.append({"file": str(path), "address": original.address, "meta": True})
                        for rule in rules():
                            want, got = rule.check(original, context), rule.check(unwrapped, context)
                            if want != got:
                                differences.append(
                                    {"file": str(path), "address": original.address, "rule": rule.id,
                                     "raw": repr(want), "unwrapped": repr(got)}
                                )  # fmt: skip
    print(json.dumps({"compared": compared, "differences": differences}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
