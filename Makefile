# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

FRONTEND := web/frontend
ASSETS   := web/static/build/.installed-stamp
CATALOGS := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/*.po))

.PHONY: install run test test-fast bench clean translations

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,redis]'
	touch $(STAMP)

# Front-end libraries come from npm (never committed): htmx, ECharts, bpmn-js and its properties panel.
$(ASSETS): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json $(wildcard $(FRONTEND)/src/*.js)
	@command -v npm >/dev/null || { echo "npm is needed to install the front-end libraries (apt install npm)"; exit 1; }
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	mkdir -p web/static/vendor/bpmn-font
	cp $(FRONTEND)/node_modules/htmx.org/dist/htmx.min.js $(FRONTEND)/node_modules/echarts/dist/echarts.min.js \
	   $(FRONTEND)/node_modules/bpmn-js/dist/assets/diagram-js.css $(FRONTEND)/node_modules/bpmn-js/dist/assets/bpmn-js.css \
	   $(FRONTEND)/node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css web/static/vendor/
	cp -r $(FRONTEND)/node_modules/bpmn-js/dist/assets/bpmn-font/. web/static/vendor/bpmn-font/
	touch $(ASSETS)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

install: $(STAMP) $(ASSETS) $(CATALOGS)

# Re-extract the pages' Chinese message ids from web/ (domain messages) and the engine's reasons with their English
# wording from engine/errors.py MESSAGES (domain engine), and merge them into every catalogue of that domain (en has
# messages.po, zh has engine.po); then translate the new entries and `make install`.
translations: $(STAMP)
	$(BIN)/pybabel extract -F web/babel.cfg -k _l -k lazy_gettext --sort-by-file --no-wrap -o web/translations/messages.pot web
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --no-wrap
	$(BIN)/python -m web.messages web/translations/engine.pot
	$(BIN)/pybabel update -D engine -i web/translations/engine.pot -d web/translations --no-wrap

run: install
	$(BIN)/shenpi init-db
	$(BIN)/shenpi demo
	$(BIN)/shenpi serve --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow"

bench: install
	$(BIN)/python bench/engine_throughput.py

clean:
	rm -rf $(VENV) instance *.egg-info $(FRONTEND)/node_modules web/static/build web/static/vendor $(CATALOGS)
