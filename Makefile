# Kindred: `make run` serves the site with demo content; `make test` runs the whole suite.
# Both work from a fresh clone: they create .venv, install pinned packages and build static files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENDOR := app/static/vendor/socket.io.min.js

.PHONY: run test install install-dev vendor chromium migrate seed worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The Socket.IO client comes from npm (package-lock.json), copied into static/vendor.
$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p app/static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js node_modules/socket.io-client/dist/socket.io.min.js.map app/static/vendor/
vendor: $(VENDOR)

# Debian's Chromium drives the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  $(SUDO) apt-get install -y --no-install-recommends chromium || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }; }

migrate: install
	$(BIN)/flask db upgrade

# Demo content is added the first time only (seed-demo is idempotent, but a person may
# have deleted demo posts on purpose; the marker keeps them deleted).
seed: migrate
	@test -f instance/.demo-seeded || { $(BIN)/flask seed-demo && touch instance/.demo-seeded; }

run: install vendor seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Delivers queued emails in production-like set-ups (needs REDIS_URL).
worker: install
	$(BIN)/flask worker

# Two workers (pytest-xdist), one per core of the 2-core machines we have; each worker has its own
# databases and its own browser-test server. Tests sharing Redis queues stay on one worker (loadgroup).
TEST_WORKERS ?= 2
test: install-dev vendor chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

clean:
	rm -rf $(VENV) node_modules app/static/vendor
