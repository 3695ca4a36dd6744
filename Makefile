# The two commands of the README:
#   make run   – install, migrate, load demo data and serve on http://127.0.0.1:5000 (SQLite);
#                PORT=5001 serves elsewhere (links in mail follow); mail is shown at /dev/mail
#   make test  – install what the tests need (Debian's chromium included) and run the whole suite
# Set TEST_DATABASE_URL=postgresql+psycopg://… to run the suite against PostgreSQL.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# The suite in parallel processes (pytest-xdist), each test file whole in one of them: a file's
# tests share its Redis database and fixtures. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist loadfile
# make run: the port it serves on (BASE_URL, the links in mail, follows it) and the mail viewer
# (1: no mail is sent, every message is shown at /dev/mail; 0: mail goes to MAIL_SERVER).
PORT ?= 5000
MAIL_VIEWER ?= 1
RUN_ENV = PORT=$(PORT) MAIL_VIEWER=$(MAIL_VIEWER)

.PHONY: run test install install-test js-test-deps translations extract-messages chromium pdf-tools bench-tools lint

run: install translations
	$(RUN_ENV) $(FLASK) db upgrade
	$(RUN_ENV) $(FLASK) demo-data
	@echo
	@echo "Kennisagenda:  http://127.0.0.1:$(PORT)/"
	@if [ "$(MAIL_VIEWER)" = 1 ]; then \
		echo "Mail:          http://127.0.0.1:$(PORT)/dev/mail  (nothing is sent; every mail is shown there)"; \
	fi
	@echo
	$(RUN_ENV) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-test js-test-deps translations chromium pdf-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed-app
install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-app: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-app

# The iCalendar tests also parse with Mozilla's ical.js (tests/js), at the version in its lock file.
js-test-deps: tests/js/node_modules/.installed

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund
	touch $@

# Compiled catalogues are build output (.gitignore'd); the .po files are the source.
translations: install
	$(BIN)/pybabel compile -d app/translations >/dev/null

# After changing user-facing strings: refresh the template and the English catalogue.
extract-messages: install
	$(BIN)/pybabel extract -F app/translations/babel.cfg -k _l -k lazy_gettext \
		--no-location --sort-output -o app/translations/messages.pot app
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations \
		--omit-header --ignore-obsolete --no-fuzzy-matching

# The PDF tests read PDFs back with real tools: qpdf, and poppler's pdftotext, pdftoppm, pdfinfo.
pdf-tools:
	@command -v qpdf >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq qpdf poppler-utils; }

# The browser tests use Debian's chromium; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

# The benchmarks load the server with wrk (Debian's), else with a slower Python generator.
bench-tools: install-test
	@command -v wrk >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }

lint: install-test
	$(BIN)/ruff check app tests bench wsgi.py
	$(BIN)/ruff format --check app tests bench wsgi.py
