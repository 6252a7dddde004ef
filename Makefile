# One command each, on a fresh machine: `make site` (the site with the reference note and the
# sessions before it at http://127.0.0.1:8000), `make report` (the note as files) and `make test`.
# Both create .venv and install tapereader with the exact versions in constraints.txt first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ASOF   ?= 2013-07-08
# the real market data of this checkout, unless $TAPEREADER_DATA names another folder
export TAPEREADER_DATA ?= $(abspath ../shared/data/market)
OUT    ?= out
SITE_FROM ?= 2013-06-28
PORT   ?= 8000

.PHONY: install site report findings test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# publish the reference note and the sessions before it into the embedded SQLite, then serve
# the demo's posts are of 2013: their comments stay open (TAPEREADER_COMMENTS_OPEN_DAYS empty)
# so that the reply form can be tried; set it to close them after that many days as on a real site
site: $(STAMP)
	$(BIN)/tapereader publish --from $(SITE_FROM) --to $(ASOF)
	TAPEREADER_COMMENTS_OPEN_DAYS="$${TAPEREADER_COMMENTS_OPEN_DAYS-}" $(BIN)/tapereader serve --port $(PORT)

report: $(STAMP)
	$(BIN)/tapereader report --asof $(ASOF) --out $(OUT)

findings: $(STAMP)
	$(BIN)/tapereader findings --asof $(ASOF)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# the whole suite (web tests on SQLite), then the web tests again on a throwaway PostgreSQL
test: lint
	$(BIN)/python -m pytest
	TAPEREADER_TEST_SITE_DB=postgres $(BIN)/python -m pytest tests/web -m "not browser"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache
