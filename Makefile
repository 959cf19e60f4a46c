# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

FRONTEND := web/frontend
MODULES  := $(FRONTEND)/node_modules/.installed-stamp
ASSETS   := web/static/build/.installed-stamp
SOURCES  := $(shell find $(FRONTEND)/src -type f 2>/dev/null)
CATALOGS := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/*.po))

.PHONY: install run check format test test-fast bench clean translations

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,redis]'
	touch $(STAMP)

# The front end: the libraries come from npm (never committed: htmx, ECharts, bpmn-js and its properties panel,
# Swagger UI), and
# every script and diagram stylesheet of the pages is built from web/frontend/src by esbuild into web/static/build
# (ES modules with shared chunks). Any change to a source file, build.mjs or the lock file rebuilds.
$(MODULES): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install the front-end libraries (apt install npm)"; exit 1; }
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	touch $(MODULES)

$(ASSETS): $(MODULES) $(FRONTEND)/build.mjs $(FRONTEND)/src $(SOURCES)
	cd $(FRONTEND) && npm run --silent build
	touch $(ASSETS)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

install: $(STAMP) $(ASSETS) $(CATALOGS)

# Re-extract the pages' Chinese message ids from web/ (domain messages) and the engine's reasons with their English
# wording from engine/error_messages/ MESSAGES (domain engine), and merge them into every catalogue of that domain (en has
# messages.po, zh has engine.po); then translate the new entries and `make install`.
translations: $(STAMP)
	$(BIN)/pybabel extract -F web/babel.cfg -k _l -k lazy_gettext --sort-by-file --no-wrap -o web/translations/messages.pot web
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --no-wrap
	$(BIN)/python -m web.messages web/translations/engine.pot
	$(BIN)/pybabel update -D engine -i web/translations/engine.pot -d web/translations --no-wrap

run: install
	$(BIN)/shenpi init-db
	$(BIN)/shenpi demo
	SHENPI_DEMO=1 $(BIN)/shenpi serve --host 127.0.0.1 --port 5000

# Static checks that fail the build, one command a line: ruff's lint and format over the whole tree (pyproject.toml
# [tool.ruff]; `make format` fixes what it can), mypy over engine/ (setup.cfg [mypy]) and the architecture's import
# contracts (setup.cfg [importlinter]).
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy engine
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite runs on pytest-xdist workers, each with a PostgreSQL database and a Redis database of its own
# (tests/helpers.py): SHENPI_PYTEST_WORKERS of them (default: the machine's cores, at most 4; 0 runs it in this one
# process). `--dist loadfile` keeps each test module on one worker, so what its tests share at module scope (a
# Chromium and a served application; schemathesis's seeded engines) is built once; `--no-loadscope-reorder` hands the
# modules out in collection order (the long browser modules first, not last as ordering by test count would: the
# run would end on one worker with the other idle). `pytest tests/x.py` runs serially.
PYTEST_WORKERS := $(or $(SHENPI_PYTEST_WORKERS),$(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n > 4 ? 4 : n ))))
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),-p no:xdist,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)

test: check
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --durations=30

test-fast: install
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not slow"

bench: install
	$(BIN)/python bench/engine_throughput.py

clean:
	rm -rf $(VENV) instance *.egg-info $(FRONTEND)/node_modules web/static/build web/static/vendor $(CATALOGS)
