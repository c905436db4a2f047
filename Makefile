# GAN Lab. `make help` lists the targets. Every target creates .venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
# one torch thread per process on shared CI machines avoids oversubscription (see README)
export MPLBACKEND := Agg

.DEFAULT_GOAL := help
.PHONY: help venv test test-slow book lessons grade bench gpu-check lint format clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP) ## create .venv and install requirements.txt and gan_lab into it

test: $(STAMP) ## run the default test suite (CPU, under 20 minutes on 2 cores)
	command -v bwrap >/dev/null || (apt-get update -qq && apt-get install -y -qq bubblewrap)  # the grading sandbox
	$(BIN)/python -m pytest -q

test-slow: $(STAMP) ## run the slow tests (book build in headless Chromium, nbgrader round trip)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v bwrap >/dev/null || (apt-get update -qq && apt-get install -y -qq bubblewrap)
	$(BIN)/python -m pytest -q -m slow

book: $(STAMP) ## build the web book into _build/html (chapters executed, cached in _build/.jupyter_cache)
	@# the execution cache only sees the chapters' own cells: a change to gan_lab (code, weights, data) or
	@# to the results the chapters read must re-run them too (Sphinx re-reads only changed sources: .doctrees goes too)
	@h=$$(find gan_lab book/results -type f -not -path '*/__pycache__/*' | sort | xargs cat | sha256sum | cut -c1-16); \
	if [ "$$(cat _build/.gan_lab_hash 2>/dev/null)" != "$$h" ]; then \
		[ ! -d _build/.doctrees ] || echo "gan_lab or book/results changed since the last build: chapters will be re-executed"; \
		rm -rf _build/.jupyter_cache _build/.doctrees _build/book_runs; mkdir -p _build; echo $$h > _build/.gan_lab_hash; fi
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "open _build/html/index.html (works offline)"

lessons: $(STAMP) ## regenerate lessons/ from solutions/ (refuses to replace a notebook someone edited)
	$(BIN)/python -m gan_lab.grading generate

grade: $(STAMP) ## grade submitted/*/* in a sandbox each (needs bubblewrap): grades.csv, report, feedback/
	$(BIN)/python -m gan_lab.grading grade

bench: $(STAMP) ## speed/memory benchmarks (ratios against baselines measured in the same run; BENCHMARKS.md)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/steps.py --models mlp,conv64,dcgan --repeats 3
	$(BIN)/python benchmarks/steps.py --models mlp,conv64 --fine 10

gpu-check: $(STAMP) ## every GPU check in at most 8 minutes, results under OUT (default gpu_check/): BENCHMARKS.md
	PATH=$(abspath $(BIN)):$$PATH benchmarks/gpu_check.sh $(or $(OUT),gpu_check)

lint: $(STAMP) ## ruff lint and format check, and the layer contract (import-linter)
	$(BIN)/ruff check gan_lab tests scripts benchmarks
	$(BIN)/ruff format --check gan_lab tests scripts benchmarks
	$(BIN)/lint-imports

format: $(STAMP) ## ruff format and fix
	$(BIN)/ruff format gan_lab tests scripts benchmarks
	$(BIN)/ruff check --fix gan_lab tests scripts benchmarks

clean: ## remove build outputs (keeps .venv)
	rm -rf _build runs .pytest_cache
