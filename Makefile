# Two commands matter: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=participation:create_app $(BIN)/flask
VENDOR := static/vendor

.PHONY: install run test test-tools lint translations-update translations-compile bench clean

install: $(VENV)/.installed node_modules/.installed $(VENDOR)/.copied $(VENDOR)/site/.minified translations-compile

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# --ignore-scripts: vnu-jar's postinstall would fetch a JDK from GitHub; Java comes from Debian (test-tools).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	touch $@

$(VENDOR)/.copied: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/hls.js/dist/hls.min.js $(VENDOR)/hls.min.js
	mkdir -p $(VENDOR)/leaflet/images $(VENDOR)/leaflet.markercluster
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/leaflet/
	cp node_modules/leaflet/dist/images/*.png $(VENDOR)/leaflet/images/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/leaflet.markercluster/
	touch $@

# Our own scripts (static/js) are served minified from static/vendor/site: the map page's
# JavaScript budget is 80 KB gzipped, and comments and long names are a third of ours.
$(VENDOR)/site/.minified: node_modules/.installed $(wildcard static/js/*.js)
	mkdir -p $(VENDOR)/site
	for script in static/js/*.js; do \
	  node_modules/.bin/terser "$$script" --compress --mangle --output "$(VENDOR)/site/$$(basename $$script)" || exit 1; \
	done
	touch $@

translations-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations > /dev/null

# Extract strings and merge them into every catalog (developers run this after changing text).
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --project=participation .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

run: install
	$(FLASK) db upgrade
	$(FLASK) seed demo
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check participation tests bench

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (browser tests bring their own server).
test: install lint test-tools
	$(BIN)/pytest -q -p no:cacheprovider tests/test_translations.py
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/test_translations.py
	if [ -n "$$TEST_DATABASE_URL" ]; then \
	  $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/test_translations.py --ignore=tests/browser; fi

# Debian's chromium (and a Java runtime for the HTML checker), and PostGIS for the server of
# TEST_DATABASE_URL: installed when missing.
test-tools:
	@scripts/ensure-test-tools
	@scripts/ensure-postgis

# The page scenarios (bench/run.py), the live-update streams (bench/live_sse.py), a council
# session watched live (bench/council_live.py), petitions signing under load
# (bench/petitions_signing.py), then an OParl import of 10,000 papers (bench/council_import.py);
# wrk comes from scripts/ensure-bench-tools. All always run, the worst exit status wins.
bench: install
	scripts/ensure-bench-tools || true
	scripts/ensure-postgis postgresql://postgres@127.0.0.1:5432/postgres  # the server of bench/server.py
	worst=0; for module in bench.run bench.live_sse bench.council_live bench.petitions_signing bench.council_import; do \
	  $(BIN)/python -m $$module; status=$$?; [ $$status -gt $$worst ] && worst=$$status; done; exit $$worst

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance
