# Two commands on a fresh machine: `make run` (serve the chat) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
REPORTS ?= reports
INDEX  ?= index
HOST   ?= 127.0.0.1
PORT   ?= 7860
STAMP  := $(VENV)/.installed

.PHONY: install run serve ingest status test test-fast lint format bench eval clean

install: $(STAMP)

# torch first: the CPU build from the machine's wheel folder (an unpinned torch pulls CUDA).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

$(REPORTS):
	@mkdir -p $(REPORTS)

ingest: install $(REPORTS)
	$(BIN)/inspection-assistant ingest $(REPORTS) --index $(INDEX) || test $$? -eq 2

status: install
	$(BIN)/inspection-assistant status --index $(INDEX)

run: ingest
	$(BIN)/inspection-assistant serve --index $(INDEX) --reports $(REPORTS) --host $(HOST) --port $(PORT)

serve: run

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not corpus"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/ingest.py ../shared/corpus --keep $(INDEX)-full --out docs/bench-ingest.json
	$(BIN)/python benchmarks/query.py --index $(INDEX)-full

# The blind set (dev and test splits reported apart, with both baselines), then the regression set.
eval: install
	$(BIN)/inspection-assistant eval benchmarks/qa/blind.jsonl --index $(INDEX)-full --baselines --corpus ../shared/corpus
	$(BIN)/inspection-assistant eval benchmarks/qa/questions.jsonl --index $(INDEX)-full --corpus ../shared/corpus

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
