# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install the application, launch it
#   make test   create .venv, install the application and test tools, run ruff and the suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test build check bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/archive-browser

test: $(STAMP)
	$(BIN)/ruff check desktop tests
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

build: $(STAMP)
	$(BIN)/archive-browser build

check: $(STAMP)
	$(BIN)/archive-browser check

clean:
	rm -rf $(VENV)

# The README's tables, each measured against a baseline in the same run (rg, for the
# comparison at scale, is left out where it is not installed: apt-get install ripgrep).
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks.bench_reader
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks.bench_notes
	$(BIN)/python -m tests.benchmarks.bench_exchange
	$(BIN)/python -m tests.benchmarks.bench_sync
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks.bench_scale

# A few minutes while working: fewer launches, 100,000 passages, the README left alone.
bench-quick: $(STAMP)
	BENCH_QUICK=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks.bench_reader
	BENCH_QUICK=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks.bench_notes
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks.bench_scale --quick

# The reliability harness (tests/torture): a few minutes; TORTURE_ARGS=--quick for a short run.
.PHONY: torture
torture: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.torture $(TORTURE_ARGS)
