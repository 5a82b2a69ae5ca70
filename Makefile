# dajuan — the two commands: `make run` and `make test`. Everything else here is what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VENDOR := var/vendor
PO := locale/zh_Hans/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)

.PHONY: run test bootstrap lint pytest messages demo clean-demo chromium

run: bootstrap
	DAJUAN_DEBUG=1 $(BIN)/dajuan migrate --no-input
	DAJUAN_DEBUG=1 $(BIN)/dajuan createcachetable
	DAJUAN_DEBUG=1 $(BIN)/dajuan demo_load
	DAJUAN_DEBUG=1 $(BIN)/dajuan warm_routing
	DAJUAN_DEBUG=1 $(BIN)/dajuan runserver 127.0.0.1:$(PORT)

test: bootstrap lint pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .

pytest: $(VENV)/.installed
	$(BIN)/pytest -q -n 2 --dist loadfile

bootstrap: $(VENV)/.installed $(VENDOR)/.stamp $(MO) chromium

# Browser tests drive Debian's Chromium (never Playwright's downloaded browsers), with a CJK font so
# screenshots show Chinese. Installed when missing and apt can; otherwise the browser tests say so
# loudly and skip (or fail under CI=true).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  (apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1)) || \
	  echo "WARNING: /usr/bin/chromium is missing and could not be installed (apt-get install chromium): browser tests will be skipped"; \
	fi
	@if [ -x /usr/bin/chromium ] && ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 || echo "note: no CJK font; screenshots will show boxes for Chinese"; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Only the files the pages load are copied out of node_modules into the static files.
$(VENDOR)/.stamp: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/bootstrap
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	touch $@

$(MO): $(PO)
	@command -v msgfmt >/dev/null || (apt-get install -y -q gettext >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q gettext)) || { echo "msgfmt (GNU gettext) is needed: install the gettext package"; exit 1; }
	msgfmt --check -o $@ $<

# Refresh the message catalogue after changing user-facing strings, then translate the new entries.
messages: $(VENV)/.installed
	$(BIN)/dajuan makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var
