# Innovasjonsradar: `make demo` runs the app with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
# `make demo PORT=8001` runs on another port (the links printed and mailed follow).
PORT ?= 8000
DEMO_EMAIL_DIR := $(CURDIR)/demo-epost
DEMO_ENV := DJANGO_DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT) \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	DJANGO_EMAIL_FILE_PATH=$(DEMO_EMAIL_DIR)

.PHONY: install demo demo-data test test-postgres fuzz e2e lint format bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo-data: install
	@$(DEMO_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	@$(DEMO_ENV) $(PY) manage.py load_municipalities
	@$(DEMO_ENV) $(PY) manage.py load_instrument --publish
	@$(DEMO_ENV) $(PY) manage.py seed_demo --verbosity 0
	@$(DEMO_ENV) $(PY) manage.py publish_due_rounds
	@$(DEMO_ENV) $(PY) manage.py seed_demo

# The mail worker runs beside the web server (e-mails are written to demo-epost/).
demo: demo-data
	@$(DEMO_ENV) $(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest -n 2 --dist loadfile

# The same suite against PostgreSQL on 127.0.0.1:5432, in a throwaway database.
test-postgres: install
	bash .ci/postgres-test.sh

# The Hypothesis property tests with random seeds and many examples (HYPOTHESIS_MAX_EXAMPLES,
# default 2000 per property) against PostgreSQL in a throwaway database. Not part of CI.
# One file: make fuzz FUZZ_ARGS=tests/test_api_fuzz.py
FUZZ_ARGS ?=
fuzz: install
	HYPOTHESIS_PROFILE=fuzz bash .ci/postgres-test.sh $(PY) -m pytest -m fuzz -n 2 --dist loadfile \
		-o addopts="-q --strict-markers" $(FUZZ_ARGS)

e2e: install
	$(PY) -m pytest -m e2e -p no:xdist -o addopts="-q"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
