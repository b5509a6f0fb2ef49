# Two commands: `make run` and `make test`. Everything else is set-up they do.
# The venv's interpreter: Debian's python3 when it is 3.11 or newer (with venv),
# else the first python3 on PATH. Debian builds CPython with profile-guided and
# link-time optimisation; on a plain source build (pyenv's default) the app
# runs 10-25% slower (bench/README.md).
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' \
            2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app eventapp
PYBABEL := $(VENV)/bin/pybabel
TRANSLATIONS := eventapp/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install translations messages migrate demo check-migrations checkers clean

run: install translations migrate demo  ## set up everything and serve http://127.0.0.1:5000
	$(FLASK) run --host 127.0.0.1 --port 5000

.PHONY: bench
bench: install translations  ## the large conference under load on PostgreSQL (bench/README.md); needs wrk
	@command -v wrk >/dev/null || (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk))
	$(PY) bench/run.py $(BENCH_ARGS)

.PHONY: serve
serve: install translations migrate  ## production server (gunicorn); needs SECRET_KEY, see README "Deployment"
	EVENTAPP_ENV=$${EVENTAPP_ENV:-production} $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

test: install translations checkers  ## set up everything and run the test suite
	$(PY) -m pytest $(PYTEST_ARGS)

# The HTML validator and axe-core (npm); the browser tests use Debian's chromium.
checkers: tools/node_modules/.installed

tools/node_modules/.installed: tools/package.json
	@if command -v npm >/dev/null; then \
	  cd tools && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: HTML and accessibility checks will be skipped"; fi

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

translations: install $(MO_FILES)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po
	$(PYBABEL) compile --statistics -d $(TRANSLATIONS) -l $*

messages: install  ## re-extract strings and update the id/en catalogs
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(PYBABEL) update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

migrate: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) demo --if-empty

check-migrations: install  ## models and migrations agree; downgrade/upgrade round trip
	$(FLASK) db upgrade
	$(FLASK) db check
	$(FLASK) db downgrade base
	$(FLASK) db upgrade
	$(FLASK) db check

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache tools/node_modules
