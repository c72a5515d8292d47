# The README's quick start: `make lab` and `make test`. Nothing else is user-facing.
# The shared set-up (the .venv, Debian's chromium) lives in scripts/venv.sh.

PY := .venv/bin/python
# JupyterLab refuses to start as root unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# tests/ runs as ordinary pytest tests; the chapter notebooks run under nbval. --nbval is a
# global switch, so .ipynb files under tests/ are ignored to keep it to notebooks/. With no
# notebook yet, notebooks/ is left out rather than failing the run.
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
NBVAL := $(if $(NOTEBOOKS),notebooks --nbval '--ignore-glob=tests/*.ipynb')
PYTEST_ARGS := tests $(NBVAL) --nbval-current-env -n 2 --dist loadfile -p no:cacheprovider

.PHONY: lab test

lab:
	@bash scripts/venv.sh
	@mkdir -p notebooks
	.venv/bin/jupyter lab notebooks/ $(ALLOW_ROOT)

test:
	@bash scripts/venv.sh --chromium
	$(PY) -m pytest $(PYTEST_ARGS)
