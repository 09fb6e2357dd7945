"""The rules, catalog, policy and document model import without cdktf (the checkov layer needs that)."""

import subprocess
import sys

CODE = """
import sys
import aspects, aspects.catalog, aspects.document, aspects.policy, aspects.suppressions, aspects.data
import aspects.data.generate_taggable, aspects.cli, aspects.flavour
from aspects.catalog import rules
for rule in rules():
    __import__(rule.check.__module__)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"cdktf", "constructs", "jsii", "tfcdk",
                                                               "cdktf_cdktf_provider_aws", "aspects.synth"})
print(",".join(loaded))
"""


def test_pure_modules_do_not_import_cdktf():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert "aspects.synth" not in out.stdout


def test_govern_is_loaded_lazily():
    code = (
        "import aspects, sys; assert 'aspects.synth' not in sys.modules; aspects.govern; "
        "assert 'aspects.synth' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
