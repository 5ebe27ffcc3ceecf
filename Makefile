# peerassist — `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres lint format demo migrate clean help venv bench api-contract messages compilemessages
.DEFAULT_GOAL := help

help:
	@echo "make run            set up, load demo data on first start, serve on http://127.0.0.1:$(PORT)"
	@echo "make test           the whole test suite (SQLite)"
	@echo "make test-postgres  the whole suite on a throw-away PostgreSQL"
	@echo "make lint           ruff, mypy and the layer contracts (import-linter)"
	@echo "make bench          benchmarks in quick mode"
	@echo "make api-contract   schemathesis against the running server (a few minutes)"
	@echo "make messages       regenerate the fr/es catalogues from the source and compile them"

$(STAMP): pyproject.toml
	@PY="$$(scripts/find-python)" && echo "Using $$PY ($$($$PY --version))" && \
	  { [ -x $(BIN)/python ] || $$PY -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The .mo files are committed; compiling again at install keeps them in step with the .po
# files for whoever edited a .po without compiling (needs msgfmt from gettext).
compilemessages: $(STAMP)
	@$(BIN)/python scripts/messages --compile-only

venv: $(STAMP) compilemessages

# After changing user-facing strings: regenerate both catalogues (the project's and the
# invitations app's), translate the new entries in fr and es, run it again to compile.
messages: $(STAMP)
	$(BIN)/python scripts/messages

migrate: $(STAMP) compilemessages
	$(BIN)/peerassist migrate --no-input

run: export DEBUG ?= true
run: migrate
	@mkdir -p var
	@if [ ! -f var/.demo-loaded ]; then $(BIN)/peerassist demo && touch var/.demo-loaded; \
	  else $(BIN)/peerassist demo --quiet >/dev/null && echo "Demo logins: admin@meridian.example, organiser@meridian.example, member@meridian.example (password: peerassist-demo)"; fi
	@# A worker next to the server sends emails (printed here) and webhooks; it stops with the server.
	@$(BIN)/peerassist worker --interval 30 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(BIN)/peerassist serve --port $(PORT)

demo: migrate
	$(BIN)/peerassist demo

test: $(STAMP)
	$(BIN)/python -m tests.harness.suite $(PYTEST_ARGS)

test-postgres: $(STAMP)
	$(BIN)/python -m tests.harness.postgres -- $(BIN)/python -m tests.harness.suite $(PYTEST_ARGS)

api-contract: $(STAMP)
	$(BIN)/python -m pytest -m api_contract tests/test_api_schemathesis.py -s $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	@for b in bench/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(BIN)/python "$$b" --quick || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
