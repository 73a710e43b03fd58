# Innovasjonsradar: `make demo` runs the app with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
DEMO_ENV := DJANGO_DEBUG=1

.PHONY: install demo demo-data test test-postgres e2e lint format bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo-data: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_municipalities
	$(DEMO_ENV) $(PY) manage.py load_instrument --publish
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py publish_due_rounds

demo: demo-data
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest -n 2 --dist loadfile

# The same suite against PostgreSQL on 127.0.0.1:5432, in a throwaway database.
test-postgres: install
	bash .ci/postgres-test.sh

e2e: install
	$(PY) -m pytest -m e2e -p no:xdist -o addopts="-q"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
