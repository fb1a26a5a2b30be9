# tnbp: `make demo` and `make test` each create .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test test-all bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,jax]"
	touch $@

demo: $(STAMP)
	$(VENV)/bin/tnbp run entanglement_vs_depth --out results/demo

test: $(STAMP)
	$(PY) -m pytest -m "not slow" -n auto --durations=15

test-all: $(STAMP)
	$(PY) -m pytest -n auto

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $@

bench: $(BENCH_STAMP)
	$(PY) benchmarks/mps_simulation.py --out results/bench/mps_simulation.csv
	$(PY) benchmarks/gradients_dense.py --out results/bench/gradients_dense.csv
	$(PY) benchmarks/gradients_tn.py --out results/bench/gradients_tn.csv
	$(PY) benchmarks/gibbs.py --out results/bench/gibbs.csv
	$(PY) benchmarks/import_time.py --out results/bench/import_time.csv
	$(PY) benchmarks/dqnn.py --out results/bench/dqnn.csv
	$(PY) benchmarks/qntk.py --out results/bench/qntk.csv

lint: $(STAMP)
	$(PY) -m ruff check tnbp tests studies benchmarks

clean:
	rm -rf $(VENV) results .pytest_cache
