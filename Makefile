# ecosim — the two commands: `make run` and `make test` (each builds .venv if missing).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint venv clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

## run the shipped default scenario into results/baseline/
run: $(STAMP)
	$(BIN)/ecosim run scenarios/baseline.toml --out results/baseline

## run the test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## performance benchmarks (not part of the tests): every benchmarks/bench_*.py in turn
bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf results .pytest_cache
