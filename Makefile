# site_builder: `make serve` to preview the example archive, `make test` to run every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 5500

.PHONY: serve build test lint fuzz mutate bench browser clean

# What the product needs, and nothing else: `make serve` installs only this.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# The test tools (pytest, Playwright, mypy, ruff, Datasette…) on top, for `make test`.
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

serve: $(STAMP)
	$(BIN)/site-builder serve --port $(PORT)

build: $(STAMP)
	$(BIN)/site-builder build

# Debian's Chromium and Java (for the Nu HTML Checker) for the browser and validation tests.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless >/dev/null; }
	@test -f node_modules/vnu-jar/build/dist/vnu.jar || npm install --silent --no-save --ignore-scripts vnu-jar >/dev/null

# The layer contract (pyproject's [tool.importlinter]), types and lint, then every test.
lint: $(TEST_STAMP)
	$(BIN)/lint-imports
	$(BIN)/mypy site_builder tests benchmarks
	$(BIN)/ruff check site_builder tests benchmarks

test: $(TEST_STAMP) browser lint
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

fuzz: $(TEST_STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

# Mutation testing of the core modules ([tool.mutmut] in pyproject.toml), outside `make test`: hours
# on 2 cores. MUTANTS narrows it, e.g. make mutate MUTANTS='site_builder.intel.stories*'; JOBS sets the workers.
MUTANTS ?=
JOBS ?= 2
mutate: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[mutate]'
	$(BIN)/mutmut run --max-children $(JOBS) $(MUTANTS)
	$(BIN)/mutmut results

bench: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf output .site-builder-cache
