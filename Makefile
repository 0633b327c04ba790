# Developer entry points. `make run` starts everything; `make test` is what CI checks.
# Each recipe runs in one bash (ONESHELL) that stops at the first failure, so the variables exported by
# `source scripts/services.sh` reach the commands after it.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

UV := python3 -m uv
PY := .venv/bin/python
RUFF := .venv/bin/ruff

.PHONY: help run test lint format bench sync services stop-services

help:
	@echo "make run            installe, démarre PostgreSQL/Redis, migre, charge la démo, lance l'application"
	@echo "make test           ruff, contrôle des migrations, pytest"
	@echo "make lint           ruff check et ruff format --check"
	@echo "make format         ruff format puis ruff check --fix"
	@echo "make bench          exécute chaque bench/*.py"
	@echo "make services       démarre ou retrouve PostgreSQL et Redis (scripts/services.sh)"
	@echo "make stop-services  arrête les serveurs embarqués lancés depuis .data/"

run:
	bash scripts/run.sh

# uv from pip when missing (Debian's python3 is "externally managed": --user, then the override).
sync:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --user --quiet uv \
		|| python3 -m pip install --user --quiet --break-system-packages uv
	$(UV) sync --frozen

services: sync
	bash scripts/services.sh >/dev/null

stop-services:
	bash scripts/services.sh stop

test: sync
	source scripts/services.sh
	$(RUFF) check .
	$(RUFF) format --check .
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run
	.venv/bin/pytest --create-db

lint: sync
	$(RUFF) check .
	$(RUFF) format --check .

format: sync
	$(RUFF) format .
	$(RUFF) check --fix .

bench: sync
	source scripts/services.sh
	# The benches create throwaway databases and bulk-load them with COPY: as the owner, not the application's role.
	export DATABASE_URL="$${DATABASE_OWNER_URL:-$$DATABASE_URL}"
	shopt -s nullglob # no bench/*.py yet: the loop runs zero times
	for script in bench/*.py; do
		echo "== $$script"
		$(PY) "$$script"
	done
