"""Fast, lazy access to the prebuilt AWS provider bindings.

``cdktf_cdktf_provider_aws/__init__.py`` ends with ``from . import <name>`` for
each of its ~1,500 submodules, so importing any one resource class normally
costs ~18 s on a 2-core machine. :func:`load` registers a package object for
``cdktf_cdktf_provider_aws`` without running that ``__init__``, loads the jsii
assembly (``_jsii``), and imports only the submodule asked for. The generated
classes are identical; only the import is narrower. ``tests/stack`` proves the
synthesized JSON is byte-identical to a synth that used the eager import.

Usage::

    from tfcdk.aws import load
    S3Bucket = load("s3_bucket").S3Bucket
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import types
from pathlib import Path

import tfcdk  # noqa: F401  (jsii environment set-up and cdktf assembly first)

PACKAGE = "cdktf_cdktf_provider_aws"
# Set to 1 to import the bindings the ordinary (eager, slow) way: the baseline that the
# byte-identity test and benchmarks/bench_synth.py compare against.
EAGER_ENV = "TFCDK_EAGER_PROVIDER_IMPORT"


def _register_package() -> None:
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed (pip install cdktf-cdktf-provider-aws==20.1.0)")
    locations = list(spec.submodule_search_locations)
    package = types.ModuleType(PACKAGE)
    package.__path__ = locations
    package.__file__ = str(Path(locations[0]) / "__init__.py")
    package.__package__ = PACKAGE
    package.__spec__ = importlib.machinery.ModuleSpec(PACKAGE, None, is_package=True)
    package.__spec__.submodule_search_locations = locations
    sys.modules[PACKAGE] = package
    # Loads the provider's jsii assembly into the kernel (what the real __init__ does first).
    importlib.import_module(f"{PACKAGE}._jsii")


def load(submodule: str) -> types.ModuleType:
    """Import ``cdktf_cdktf_provider_aws.<submodule>`` without importing its ~1,500 siblings."""
    if os.environ.get(EAGER_ENV) == "1":
        importlib.import_module(PACKAGE)
    else:
        _register_package()
    return importlib.import_module(f"{PACKAGE}.{submodule}")
