# One command per job; CI (.ci/run and ci/*.yml) calls only these targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
export CHECKPOINT_DISABLE := 1
UV_VERSION := 0.13.9
UV := .venv-uv/bin/uv
PY := .venv/bin/python
OUTDIR ?= cdktf.out
CHECKOV_VENV := .venv-checkov
CHECKOV_LOCK := tools/checkov/requirements.txt
EMULATOR_VENV := .venv-emulator
EMULATOR_LOCK := tools/emulator/requirements.txt
TOOLKIT := packages/cdktf-governance
CDKTN_VENV := .venv-cdktn
CDKTN_LOCK := tools/cdktn/requirements.txt
# make policy POLICY_DIRS="path/to/cdktf.out other/cdktf.out" scans those instead of synthesizing ours
POLICY_DIRS ?=

.PHONY: help setup synth validate demo test lint typecheck bench bench-handlers clean checkov-env policy emulator-env local-deploy e2e load tag-audit plan deploy smoke tag-audit-live legacy-synth cost cost-compare cost-chart cost-base cost-comment cdktn-env test-cdktn toolkit-wheel test-install

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv .venv-uv
	.venv-uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	UV_LINK_MODE=copy $(UV) sync --frozen --quiet
	touch $@

setup: .venv/.synced ## install the locked environment (.venv) with uv

synth: setup ## synthesize the stack into $(OUTDIR) and print a resource summary
	CDKTF_OUTDIR=$(OUTDIR) $(PY) -m stack.app

validate: synth ## terraform init (offline plugin mirror) + validate every synthesized stack
	$(PY) -m ops.terraform validate $(OUTDIR)

demo: validate policy tag-audit local-deploy ## the main job: synth under governance, gates, local deploy + run on MiniStack

# checkov's environment holds the toolkit too (the CKV_FIN_* checks import it): from a checkout, editable
$(CHECKOV_VENV)/.installed: $(CHECKOV_LOCK) $(TOOLKIT)/pyproject.toml | $(UV)
	rm -rf $(CHECKOV_VENV)
	$(UV) venv --quiet --python 3.11 $(CHECKOV_VENV)
	VIRTUAL_ENV=$(CHECKOV_VENV) UV_LINK_MODE=copy $(UV) pip install --quiet --require-hashes --compile-bytecode -r $(CHECKOV_LOCK)
	VIRTUAL_ENV=$(CHECKOV_VENV) UV_LINK_MODE=copy $(UV) pip install --quiet --no-deps --editable $(TOOLKIT)
	touch $@

checkov-env: $(CHECKOV_VENV)/.installed ## checkov from its hashed lock + the toolkit (editable) in .venv-checkov

policy: setup checkov-env $(if $(POLICY_DIRS),,synth) ## synth, then the checkov gate (CKV_FIN_* + built-in), offline; reports/checkov/
	$(PY) -m policies.gate $(or $(POLICY_DIRS),$(OUTDIR)) --policy governance.toml --reports reports/checkov \
		--checkov $(CHECKOV_VENV)/bin/checkov $(if $(POLICY_DIRS),,--skip-config stack/checkov-skips.yaml)

$(EMULATOR_VENV)/.installed: $(EMULATOR_LOCK) | $(UV)
	rm -rf $(EMULATOR_VENV)
	$(UV) venv --quiet --python 3.11 $(EMULATOR_VENV)
	VIRTUAL_ENV=$(EMULATOR_VENV) UV_LINK_MODE=copy $(UV) pip install --quiet --require-hashes --compile-bytecode -r $(EMULATOR_LOCK)
	touch $@

emulator-env: $(EMULATOR_VENV)/.installed ## install the local AWS emulator (MiniStack + the handlers' boto3) in .venv-emulator

local-deploy: synth emulator-env ## MiniStack on 127.0.0.1: apply, no-drift plan, run a file end to end, destroy (KEEP=1 keeps it up)
	$(PY) -m emulator.demo --outdir $(OUTDIR) $(if $(KEEP),--keep,)

e2e: synth emulator-env ## end-to-end scenarios against one MiniStack deployment (tests/e2e, marker e2e)
	CDKTF_OUTDIR=$(OUTDIR) $(PY) -m pytest -m e2e tests/e2e

LOAD_FILES ?= 50
load: setup emulator-env ## load run on one MiniStack deployment: LOAD_FILES (50) files at once, one fans out; checks every job, prints jobs/min, rows/s, latency
	$(PY) -m emulator.load --files $(LOAD_FILES)

TAG_AUDIT_FORMAT ?= table
TAG_AUDIT_OUTPUT ?=
tag-audit: synth ## FinOps tag coverage of the synthesized stacks (docs/tag-audit.md); fails below 100%
	$(PY) -m tag_audit.cli static $(OUTDIR) --min-coverage 100 --format $(TAG_AUDIT_FORMAT) \
		$(if $(TAG_AUDIT_OUTPUT),--output $(TAG_AUDIT_OUTPUT),)

# --- what it costs (docs/cost.md) ---
LEGACY_OUTDIR ?= cdktf.legacy.out
COST_FORMAT ?= table
COST_OUTPUT ?=
COST_USAGE ?=
COST_COMPARE ?=
COST_ARGS = $(if $(COST_USAGE),--usage $(COST_USAGE),) --format $(COST_FORMAT) $(if $(COST_OUTPUT),--output $(COST_OUTPUT),)
cost: synth ## monthly cost estimate of the synthesized stack (default usage profile); fails if anything is not priced
	$(PY) -m cost_estimate.cli $(OUTDIR) --strict $(COST_ARGS) $(if $(COST_COMPARE),--compare $(COST_COMPARE),)

legacy-synth: setup ## synthesize the legacy design (examples/legacy_pipeline.py; x86 findings suppressed) into $(LEGACY_OUTDIR)
	CDKTF_OUTDIR=$(LEGACY_OUTDIR) $(PY) -m examples.legacy_pipeline

cost-compare: synth legacy-synth ## the estimate of our stack against the legacy design: the saving per service and in total
	$(PY) -m cost_estimate.cli $(OUTDIR) --strict $(COST_ARGS) --compare $(LEGACY_OUTDIR)

cost-chart: synth legacy-synth ## docs/cost-per-service.png: cost per service of the legacy and the current design
	$(PY) -m tools.cost_chart --current $(OUTDIR) --baseline $(LEGACY_OUTDIR) --output docs/cost-per-service.png

BASE_DIR ?= .base
cost-base: ## synthesize the base branch checked out in $(BASE_DIR) with its own Makefile (PR cost comparison)
	$(MAKE) -C $(BASE_DIR) synth

COST_COMMENT_FILE ?= reports/cost.md
cost-comment: ## CI: add $(COST_COMMENT_FILE) to the job summary and post/update it on pull request $(PR) (gh, GH_TOKEN)
	bash ci/pr-comment.sh "$(PR)" $(COST_COMMENT_FILE)

# --- real AWS account: ops/ (CI main workflow; credentials from the environment, e.g. OIDC) ---
AWS_REGION ?= us-east-2
PLAN_OUTPUT ?= /dev/stdout
plan: synth ## terraform plan against the target account (backend from TF_STATE_BUCKET); Markdown to PLAN_OUTPUT
	$(PY) -m ops.terraform plan $(OUTDIR) >> $(PLAN_OUTPUT)

deploy: synth ## terraform apply to the target account (backend from TF_STATE_BUCKET)
	$(PY) -m ops.terraform deploy $(OUTDIR)

smoke: setup ## after deploy: drop a sample file under raw/, wait for LOADED (python -m ops.smoke)
	$(PY) -m ops.smoke --region $(AWS_REGION)

tag-audit-live: synth ## live FinOps tag audit of the account vs the synthesized stack (drift); fails below 100%
	$(PY) -m tag_audit.cli live --region $(AWS_REGION) --compare $(OUTDIR) --min-coverage 100 \
		--format $(TAG_AUDIT_FORMAT) $(if $(TAG_AUDIT_OUTPUT),--output $(TAG_AUDIT_OUTPUT),)

test: setup checkov-env emulator-env ## run the whole test suite (tests/policies run checkov from .venv-checkov, tests/emulator/launcher MiniStack from .venv-emulator)
	$(PY) -m pytest

toolkit-wheel: | $(UV) ## build the toolkit alone (cdktf-governance: aspects, policies, tag_audit) into dist/: sdist, then the wheel from it
	$(UV) build --quiet $(TOOLKIT) --out-dir dist

$(CDKTN_VENV)/.installed: $(CDKTN_LOCK) | $(UV)
	rm -rf $(CDKTN_VENV)
	$(UV) venv --quiet --python 3.11 $(CDKTN_VENV)
	VIRTUAL_ENV=$(CDKTN_VENV) UV_LINK_MODE=copy $(UV) pip install --quiet --require-hashes --compile-bytecode -r $(CDKTN_LOCK)
	touch $@

cdktn-env: $(CDKTN_VENV)/.installed ## install CDK Terrain (cdktn, no provider bindings) + pytest in .venv-cdktn from the hashed lock

test-cdktn: cdktn-env ## the toolkit's synth-time tests (tests/toolkit) under CDK Terrain instead of cdktf
	GOVERNANCE_TEST_LIBRARY=cdktn $(CDKTN_VENV)/bin/python -m pytest tests/toolkit

test-install: setup checkov-env cdktn-env ## the README's "Adopt the toolkit" run as written: wheel, fresh offline installs, example under cdktf and cdktn
	$(PY) -m pytest -m install tests/examples/test_adopt.py

lint: setup ## ruff (lint rules in pyproject.toml)
	$(PY) -m ruff check .

typecheck: setup ## mypy --strict over the stack, governance, checks, handlers' layer, tag audit, cost estimate, ops and emulator harness
	$(PY) -m mypy stack tfcdk tools/cost_chart.py aspects policies tag_audit cost_estimate ops emulator benchmarks/record.py \
		$(TOOLKIT)/hatch_build.py
	$(PY) -m mypy handlers/layer/python/txn_pipeline

# RECORD=1: each benchmark also writes its output, date, machine and load into its section of docs/benchmarks.md
RECORD ?=
bench: setup checkov-env ## benchmarks: synth, governance overhead, policy gate, output sizes (RECORD=1: into docs/benchmarks.md)
	$(PY) benchmarks/bench_synth.py $(if $(RECORD),--record,)
	$(PY) benchmarks/bench_govern.py $(if $(RECORD),--record,)
	$(PY) benchmarks/bench_policy.py $(if $(RECORD),--record,)
	$(PY) benchmarks/bench_output_sizes.py $(if $(RECORD),--record,)

bench-handlers: setup ## engine on a 1 GB file, 1 and 2 threads, vs bare csv.reader (same run); then a 4 GB file in the 3,538 MB functions
	$(PY) benchmarks/bench_handlers.py $(if $(RECORD),--record,)
	$(PY) benchmarks/bench_handlers.py --size 4GB --engine-only --threads 2 $(if $(RECORD),--record bench-handlers-4gb,)

clean:
	rm -rf $(OUTDIR) $(LEGACY_OUTDIR) .gen .pytest_cache
