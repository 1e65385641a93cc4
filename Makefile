# One-command entry points. Every target sets up the virtualenv from the lock file on first use.
# The set-up compiles the installed packages to bytecode: every kernel of a run imports the scientific stack, and
# where PYTHONDONTWRITEBYTECODE is set (it is on the machines this project is built on) nothing else would, so
# each import would compile numpy, pandas, scipy, statsmodels, matplotlib and seaborn from source again (12 s a
# kernel instead of 4).
PYTHON ?= python3.11
YEAR ?= 2012
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
UV_VERSION := 0.13.9

.PHONY: setup report series test test-fast lab demo frame official-wave report-official schemas lock clean-venv \
	pdf-deps r-deps r-results

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --editable .
	touch $@

report: $(STAMP)
	$(BIN)/python -m helpers run --year $(YEAR)

# Every wave with a file config/waves/YYYY.yaml, in order: each year's year-on-year and series step reads the
# earlier waves' outputs, and each run rewrites reports/index.html, the page of the series.
SERIES_YEARS ?= $(sort $(basename $(notdir $(wildcard config/waves/[0-9][0-9][0-9][0-9].yaml))))
series: $(STAMP)
	@for year in $(SERIES_YEARS); do $(BIN)/python -m helpers run --year $$year || exit 1; done

# The suite runs on every core; the tests of the whole pipeline share one run, on one worker (conftest.py).
PYTEST_WORKERS ?= auto

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_OPTIONS)

# Everything but the tests marked `pipeline` (those that run `python -m helpers run` or read its outputs).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not pipeline"

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

demo: $(STAMP)
	$(BIN)/python -m helpers demo --year $(YEAR)

# The frame of YEAR built from the official files the repository ships (data/external/official/YEAR),
# with its build report beside it (frame-YEAR.report.txt).
FRAME ?= data/interim/frame-$(YEAR).csv
frame: $(STAMP)
	$(BIN)/python -m helpers frame --year $(YEAR) --out $(FRAME)

# The YEAR-official wave: demo answers drawn over the frame built from the official files
# (config/waves/YEAR-official.yaml, data/raw/YEAR-official/), then run; outputs under build/YEAR-official/.
official-wave: frame
	$(BIN)/python -m helpers demo --year $(YEAR) --frame $(FRAME) --out-dir data/raw/$(YEAR)-official \
		--truth data/demo_truth/$(YEAR)-official.json

report-official: $(STAMP)
	$(BIN)/python -m helpers run --year $(YEAR) --config config/waves/$(YEAR)-official.yaml \
		--raw-dir data/raw/$(YEAR)-official --out-dir build/$(YEAR)-official

# The JSON Schemas that editors read to complete and check the wave files and codebooks.
schemas: $(STAMP)
	$(BIN)/python -m helpers schema wave > config/wave.schema.json
	$(BIN)/python -m helpers schema codebook > config/codebook.schema.json
	$(BIN)/python -m helpers schema profile > config/profile.schema.json

# Debian's Chromium prints report.pdf from report.html (about 400 MB; needs root and the package index).
# Without it the run writes no PDF, says so in its log, and succeeds.
pdf-deps:
	@command -v chromium >/dev/null || { apt-get update && apt-get install -y chromium; }

# R and the packages of tests/r (Debian's, offline-capable: about a minute; needs root and the package index).
r-deps:
	@command -v Rscript >/dev/null && Rscript -e 'library(survey); library(mice)' >/dev/null 2>&1 || \
		{ apt-get update && apt-get install -y r-base-core r-cran-survey r-cran-mice; }

# Regenerate every results file of tests/r (the numbers tests/test_r_parity*.py compare the package with).
R_SCRIPTS := $(filter-out tests/r/common.R,$(wildcard tests/r/*.R))
r-results:
	@for script in $(R_SCRIPTS); do echo "Rscript $$script"; Rscript $$script || exit 1; done

# Re-pin every dependency after editing pyproject.toml (needs network access to the package index).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal \
		--generate-hashes --no-header --quiet -o requirements.lock

clean-venv:
	rm -rf $(VENV)
