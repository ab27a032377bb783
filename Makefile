# ecosim — the two commands: `make run` and `make test` (each builds .venv if missing).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint venv clean app browser baseline

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m ecosim.app.server --install-assets
	@touch $(STAMP)

venv: $(STAMP)

## run the shipped default scenario into results/baseline/
run: $(STAMP)
	$(BIN)/ecosim run scenarios/baseline.toml --out results/baseline

## the teaching demo in the browser, offline, on http://127.0.0.1:8765/
app: $(STAMP)
	$(BIN)/ecosim app

## run the test suite
test: $(STAMP) browser
	$(BIN)/python -m pytest -q

## Debian's chromium for the browser test: installed when missing and we are root
## (in CI a failed install fails the run; elsewhere the browser test skips, saying why)
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium for the browser test (apt-get)"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    >/dev/null; } || { [ "$${CI:-}" != true ] || exit 1; \
	    echo "warning: could not install chromium; the browser test will be skipped"; }; \
	fi

## performance benchmarks (not part of the tests): every benchmarks/bench_*.py in turn
bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

## regenerate the stored baselines of tests/test_baselines.py (only when a change of the
## model's results is intended: say why in the commit)
baseline: $(STAMP)
	cd tests && ../$(BIN)/python baseline_cases.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf results .pytest_cache
