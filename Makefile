# Gongxin — set-up, run and test. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test`/`test-fast` (and `.ci/run`): one per core by default.
TEST_WORKERS ?= auto
VENDOR := gongxin/static/vendor
STAMP := $(VENV)/.installed

.PHONY: setup run dev test test-fast lint format migrations-check migrate demo bench clean browser-deps

setup: $(STAMP) $(VENDOR)/.copied
	@mkdir -p var

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp node_modules/tweetnacl/nacl-fast.min.js node_modules/jsqr/dist/jsQR.js $(VENDOR)/
	touch $@

migrate: setup
	$(BIN)/gongxin migrate --noinput

demo: migrate
	$(BIN)/gongxin load_demo --if-empty

# Serves for real: gunicorn + whitenoise, DEBUG off (DEBUG=true make run to ask for it). Plain
# HTTP on this machine, so cookies are not marked Secure unless SECURE_COOKIES=true (behind TLS).
run: demo
	$(BIN)/gongxin collectstatic --noinput --verbosity 0
	SECURE_COOKIES=$${SECURE_COOKIES:-false} $(BIN)/gunicorn -c python:gongxin.gunicorn_conf \
	  -b $(HOST):$(PORT) gongxin.wsgi

# The autoreloading development server with DEBUG on.
dev: demo
	DEBUG=$${DEBUG:-true} $(BIN)/gongxin runserver $(HOST):$(PORT)

# Debian packages the browser/document tests drive: headless Chromium (Playwright cannot download
# its own browser), LibreOffice (renders the Word brief), poppler (PDF → PNG/text) and a CJK font
# (Chinese text in screenshots and layout checks renders at its real width).
TEST_DEBS := chromium libreoffice-writer-nogui poppler-utils fonts-noto-cjk
browser-deps:
	@if ! (test -x /usr/bin/chromium && test -x /usr/bin/soffice && test -x /usr/bin/pdftoppm \
	       && test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc); then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBS) >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBS) >/dev/null; fi; \
	fi

test: setup browser-deps migrations-check
	$(BIN)/ruff check gongxin bench
	$(BIN)/pytest -n $(TEST_WORKERS)

test-fast: setup
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not browser" -x

lint: setup
	$(BIN)/ruff check gongxin bench
	$(BIN)/ruff format --check gongxin bench

format: setup
	$(BIN)/ruff format gongxin bench
	$(BIN)/ruff check --fix gongxin bench

migrations-check: setup
	$(BIN)/gongxin makemigrations --check --dry-run

bench: migrate
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static
