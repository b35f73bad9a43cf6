# Quick start: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs every test.
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: install lock run worker test lint format bench clean

$(BIN)/activate:
	python3 -m venv $(VENV)

# Installs exactly what requirements.lock pins (with hashes); `make lock` remakes it from the
# ranges in pyproject.toml, which stay for people who install the package itself.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

lock: | $(BIN)/activate
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --generate-hashes --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

# The web server and a task queue consumer together; Ctrl-C stops both. The consumer runs
# in a session of its own (where setsid exists), so Ctrl-C reaches the web server only and
# the trap stops the consumer with SIGTERM: it finishes the task in hand, nothing is lost.
run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@$$(command -v setsid) $(FLASK) worker & consumer=$$!; \
	trap 'kill -TERM $$consumer 2>/dev/null; wait $$consumer' EXIT; \
	trap 'exit 130' INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# A task queue consumer on its own (bulk PDF exports, purges), as production runs it.
worker: install
	$(FLASK) worker

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/roster.py

clean:
	rm -rf $(VENV) instance/*.sqlite*
