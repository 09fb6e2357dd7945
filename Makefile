# One command per job; CI (.ci/run and ci/*.yml) calls only these targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
export CHECKPOINT_DISABLE := 1
UV_VERSION := 0.13.9
UV := .venv-uv/bin/uv
PY := .venv/bin/python
OUTDIR ?= cdktf.out

.PHONY: help setup synth validate demo test lint bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

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
	$(PY) -m tools.terraform validate $(OUTDIR)

demo: validate ## the main job: synth, validate (gates and local deploy join as they land)
	@echo "demo: synthesized and validated stacks are in $(OUTDIR)/stacks"

test: setup ## run the whole test suite
	$(PY) -m pytest

lint: setup ## ruff
	$(PY) -m ruff check .

bench: setup ## performance benchmarks (print measured numbers)
	$(PY) benchmarks/bench_synth.py

clean:
	rm -rf $(OUTDIR) .gen .pytest_cache
