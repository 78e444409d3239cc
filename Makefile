# pricepoint: `make help` lists the targets. Each target creates or reuses .venv itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PARAMS ?=
JOBS ?=
# pytest-xdist workers of `make test` (auto: one per core; 0 runs the suite in one process)
TEST_WORKERS ?= auto
# the suite's processes (pytest workers, report workers, kernels) keep their compiled bytecode in __pycache__ even
# where the environment says not to: otherwise each of them compiles analysis/ and the tests again (~20 CPU-s a run)
TEST_ENV = env -u PYTHONDONTWRITEBYTECODE
# LiteLLM's real catalog for its tests, taken once from the litellm wheel by pip (the registry's own client) into
# ~/.cache/pricepoint/litellm, before the suite runs (the suite itself is offline); without it they are skipped
LITELLM_FETCH = $(PY) -c 'from analysis.data.catalogs.litellm import fetch_litellm_json as f; f()' >/dev/null 2>&1 \
  || echo "note: LiteLLM's catalog could not be fetched (pip download litellm --no-deps); its tests will be skipped"
# what JupyterLab writes into a notebook on save, stripped by the git filter so an opened notebook does not look edited
NBSTRIP_KEYS := metadata.language_info metadata.vscode cell.metadata.jp-MarkdownHeadingCollapsed

.DEFAULT_GOAL := help
.PHONY: help env report test test-stress lint lab bench clean

help: ## list the targets, one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pricepoint needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing pricepoint and its dependencies into $(VENV) (first run only)..."
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev,spark]'
	@$(VENV)/bin/nbstripout --install --attributes .gitattributes >/dev/null 2>&1 \
	  && git config filter.nbstripout.extrakeys "$(NBSTRIP_KEYS)" || true
	@touch $(STAMP)

env: $(STAMP) ## create or update the virtual environment in .venv, and install the nbstripout git filter
	@$(VENV)/bin/nbstripout --install --attributes .gitattributes 2>/dev/null \
	  && git config filter.nbstripout.extrakeys "$(NBSTRIP_KEYS)" \
	  || echo "note: not a git checkout, so the nbstripout filter was not installed (tests still check notebooks)"

report: $(STAMP) ## run every notebook headlessly and publish reports/ (PARAMS=params/NAME.yaml for a parameter set)
	$(VENV)/bin/pricepoint report $(if $(PARAMS),--params $(PARAMS)) $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP) ## run the whole test suite (doctests, unit, notebooks, browser when Chromium is installed)
	@$(LITELLM_FETCH)
	$(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS)

test-stress: $(STAMP) ## run the whole test suite with every core kept busy by a CPU burner (stopped after)
	@pids=""; for i in $$(seq $$(nproc)); do $(PY) -c 'while True: pass' & pids="$$pids $$!"; done; \
	  trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	  echo "CPU burners running on $$(nproc) cores: $$pids"; \
	  $(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS)

lint: $(STAMP) ## ruff over the package, tests and notebooks
	$(VENV)/bin/ruff check analysis tests notebooks benchmarks

lab: $(STAMP) ## open JupyterLab on the notebooks with the project's kernel (controls redraw the figures)
	JUPYTER_PREFER_ENV_PATH=1 $(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## run the speed benchmarks and print their ratios
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## remove generated reports and caches (keeps .venv)
	rm -rf reports reports-failed .pytest_cache .ruff_cache .hypothesis
