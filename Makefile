# Two commands do all set-up on a fresh machine:
#   make run    — the app on the bundled data (http://localhost:8501)
#   make test   — the whole test suite (unit, page and browser tests)
# Both create .venv from the pinned requirements on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
DATA   ?= data
export EVIDENCE_DATA := $(abspath $(DATA))

.PHONY: run test test-fast lint format validate export bench browser clean screenshots

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m core --data "$(EVIDENCE_DATA)" build
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian's Chromium drives the browser tests; install it when it is missing (needs root).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian chromium and CJK fonts"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@if [ ! -d /usr/share/fonts/opentype/noto ] && ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	fi

test: $(STAMP) browser haproxy
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser"

# Python the project lints; radon guards the app's own code (core, pages, app.py): no function
# of cyclomatic complexity D (21) or worse.
LINTED := core pages app.py tests bench devtools docs

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	@complex="$$($(BIN)/radon cc -n D core pages app.py)"; \
	if [ -n "$$complex" ]; then echo "functions of complexity D or worse (split them):"; echo "$$complex"; exit 1; fi

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

validate: $(STAMP)
	$(BIN)/python -m core --data "$(EVIDENCE_DATA)" validate

export: $(STAMP)
	$(BIN)/python -m core --data "$(EVIDENCE_DATA)" export build/evidence.csv

bench: $(STAMP) browser
	$(BIN)/python -m bench

# Debian's HAProxy balances `make serve` and the 2-replica load test; installed when it is
# missing (needs root, as on CI).
define INSTALL_HAPROXY
	@if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then \
	  echo "installing Debian haproxy"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	fi
endef

.PHONY: serve loadtest haproxy

# The kill-a-replica and balancing tests of `make test` need it too.
haproxy:
	$(INSTALL_HAPROXY)
REPLICAS ?= 2

# N app processes behind HAProxy on http://127.0.0.1:$(PORT) (sticky sessions, health checks,
# websockets); the database is compiled once first. Ctrl-C stops everything.
serve: $(STAMP)
	$(INSTALL_HAPROXY)
	$(BIN)/python -m core --data "$(EVIDENCE_DATA)" build
	$(BIN)/python -m bench.cluster --replicas $(REPLICAS) --port $(PORT) --data "$(EVIDENCE_DATA)"

# The capacity curve (about 9 minutes, at most 10): prints it and rewrites its section of docs/benchmarks.md.
loadtest: $(STAMP)
	$(INSTALL_HAPROXY)
	$(BIN)/python -m bench.capacity

clean:
	rm -rf build .pytest_cache

screenshots: $(STAMP) browser
	$(BIN)/python -m docs.screenshots
