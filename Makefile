# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test test-fast bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,redis]'
	touch $(STAMP)

install: $(STAMP)

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
	rm -rf $(VENV) instance *.egg-info
