# The two commands a newcomer needs: `make demo` and `make test` (README.md).
PORT ?= 8000
SEED ?= 42
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PYTHON ?= python3
# The demo's own key: good for a laptop, never for production (docs/configuration.md).
DEMO_ENV := TELCOBILL_SECRET_KEY=demo-only-insecure-key-change-me-0123456789abcdef TELCOBILL_DEBUG=1 TELCOBILL_HTTPS=0

.PHONY: install messages demo test lint bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) messages

# Compiled translations (English; French is the source language), with Babel: no gettext needed.
messages: $(patsubst %.po,%.mo,$(wildcard telcobill/locale/*/LC_MESSAGES/django.po))

telcobill/locale/%/LC_MESSAGES/django.mo: telcobill/locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

demo: install
	$(DEMO_ENV) $(BIN)/telcobill migrate --no-input -v0
	$(DEMO_ENV) $(BIN)/telcobill demo --seed $(SEED) $(if $(RESET),--reset)
	$(DEMO_ENV) $(BIN)/telcobill runserver 127.0.0.1:$(PORT) --noreload --insecure

# The Spark parity tests need the telcobill[spark] extra (pyspark), which the demo does not.
SPARK_STAMP := $(VENV)/.spark-$(shell cksum < requirements-spark.lock | cut -d' ' -f1)

$(SPARK_STAMP): requirements-spark.lock $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-spark.lock
	rm -f $(VENV)/.spark-*
	touch $(SPARK_STAMP)

test: install $(SPARK_STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache
