"""Run with checkov's interpreter (``.venv-checkov/bin/python load_checks.py <checks dir>``).

Imports every check file the way checkov does (bare module name, from the file), but lets any error
propagate: checkov's own loader only logs a broken check and scans without it. Prints, as JSON, what
each file defined and what the resource and data registries hold.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import checkov.terraform.checks.data
import checkov.terraform.checks.module
import checkov.terraform.checks.resource  # noqa: F401
from checkov.terraform.checks.data.registry import data_registry
from checkov.terraform.checks.module.registry import module_registry
from checkov.terraform.checks.resource.registry import resource_registry


def main(checks_dir: Path) -> None:
    builtin_ids = sorted({c.id for r in (resource_registry, data_registry, module_registry) for _, c in r.all_checks()})
    sys.path.insert(0, str(checks_dir))
    files = {}
    for path in sorted(checks_dir.glob("*.py")):
        if path.name.startswith("__"):
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)  # raises: a broken check fails the test loudly
        check = getattr(module, "check", None)
        files[path.stem] = (
            None
            if check is None
            else {
                "class": type(check).__name__,
                "id": check.id,
                "rule": check.rule.id if hasattr(check, "rule") else None,
                "refines": getattr(check, "refines", None),
                "severity": check.severity.name if check.severity else None,
                "name": check.name,
                "supported": sorted(getattr(check, "supported_resources", None) or check.supported_data),
                "categories": sorted(c.name for c in check.categories),
            }
        )
    registered = {
        name: sorted({c.id for _, c in registry.all_checks() if c.id.startswith("CKV_FIN_")})
        for name, registry in (("resource", resource_registry), ("data", data_registry), ("module", module_registry))
    }
    print(json.dumps({"files": files, "registered": registered, "builtin_ids": builtin_ids}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
