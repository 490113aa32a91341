# huikuan — the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_LINK_MODE := copy

.PHONY: install demo test test-sqlite test-postgres lint bench clean

$(UV):
	@PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --target $(TOOLS) "uv==$(UV_VERSION)" \
	  || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --break-system-packages --target $(TOOLS) "uv==$(UV_VERSION)"

install: $(UV)
	@PYTHONPATH=$(TOOLS) $(UV) sync --frozen --quiet --python python3
	@# Bytecode is compiled once here (incremental, ~1 s when nothing changed): a command run by a user
	@# who cannot write to the install, or with PYTHONDONTWRITEBYTECODE, would otherwise compile every
	@# module it imports at each start (≈0.6 s of `huikuan daily`).
	@$(VENV)/bin/python -m compileall -q -j 0 $(VENV)/lib src
	@python3 scripts/fetch_assets.py

demo: install
	@$(VENV)/bin/huikuan demo --host 127.0.0.1 --port 8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: install lint test-sqlite test-postgres

test-sqlite: install
	$(VENV)/bin/pytest -q -p no:cacheprovider

test-postgres: install
	@bash scripts/with-postgres.sh $(VENV)/bin/pytest -q -p no:cacheprovider

# Benchmarks print JSON and write var/bench/*.json; they are not tests (nothing asserts on time).
bench: install
	$(VENV)/bin/python -m huikuan.bench
	$(VENV)/bin/python -m huikuan.analytics.bench
	$(VENV)/bin/python -m huikuan.imports.bench
	$(VENV)/bin/python -m huikuan.web.bench
	$(VENV)/bin/python -m huikuan.web.load

clean:
	rm -rf $(VENV) $(TOOLS)
