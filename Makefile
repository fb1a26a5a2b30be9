# tnbp: `make demo` and `make test` each create .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
DOCS_STAMP  := $(VENV)/.installed-docs

.PHONY: demo test test-all bench docs lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,jax]"
	touch $@

demo: $(STAMP)
	$(VENV)/bin/tnbp run entanglement_vs_depth --out results/demo

# pytest-xdist runs one worker per core: one BLAS thread each (two workers'
# OpenBLAS threads on two cores busy-wait for each other: a 256 x 256 SVD took
# 8.5 s instead of 0.1 s on a loaded machine)
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# loadgroup: the tests marked xdist_group("dask") share one pytest worker (and
# its one dask LocalCluster); the others are spread as by default
XDIST := -n auto --dist loadgroup

test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -m "not slow" $(XDIST) --durations=15

test-all: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(XDIST)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $@

bench: $(BENCH_STAMP)
	$(PY) benchmarks/mps_simulation.py --out results/bench/mps_simulation.csv
	$(PY) benchmarks/mps_ensemble.py --out results/bench/mps_ensemble.csv
	$(PY) benchmarks/gradients_dense.py --out results/bench/gradients_dense.csv
	$(PY) benchmarks/gradients_tn.py --out results/bench/gradients_tn.csv
	$(PY) benchmarks/gibbs.py --out results/bench/gibbs.csv
	$(PY) benchmarks/import_time.py --out results/bench/import_time.csv
	$(PY) benchmarks/dqnn.py --out results/bench/dqnn.csv
	$(PY) benchmarks/qntk.py --out results/bench/qntk.csv
	$(PY) benchmarks/pauli_moments.py --out results/bench/pauli_moments.csv

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,jax,docs]"
	touch $@

# the site, warnings as errors; the notebooks in docs/notebooks run as it builds
# (outputs cached in docs/_build/.jupyter_cache, rerun when a notebook changes)
docs: $(DOCS_STAMP)
	$(TEST_ENV) $(VENV)/bin/sphinx-build -W --keep-going -b html -j 1 docs docs/_build/html
	@echo "site: docs/_build/html/index.html"

lint: $(STAMP)
	$(PY) -m ruff check tnbp tests studies benchmarks docs

clean:
	rm -rf $(VENV) results .pytest_cache docs/_build docs/generated docs/api.md
