# Linli — the two commands a newcomer needs are `make run` and `make test`; both set up what they need.
SHELL := /bin/bash
PY := .venv/bin/python
UV := python3 -m uv
ADMIN_SOURCES := $(shell find admin/src admin/index.html admin/vite.config.js -type f 2>/dev/null)

.PHONY: run test worker push-worker scheduler schema schema-check migrations bench lint deps clean

## run: the platform on its embedded default (SQLite, in-process queue) with the demo community
run: deps admin/dist/index.html
	$(PY) -m backend run

## test: every suite (ruff, ESLint, pytest on PostgreSQL + Redis, SQLite smoke, Chromium e2e, jest, Vitest)
test: deps admin/dist/index.html mini_program/node_modules/.package-lock.json tools/firebase/node_modules/.package-lock.json
	scripts/ensure-services.sh
	scripts/test.sh

## worker / push-worker / scheduler: the job processes for a Redis deployment (LINLI_REDIS_URL set)
worker: deps
	$(PY) -m taskiq worker workers.worker:broker
push-worker: deps
	$(PY) -m taskiq worker workers.push_worker:broker

scheduler: deps
	$(PY) -m taskiq scheduler workers.scheduler:scheduler

## schema: write graphql_schema/schema.graphql and the persisted-document manifests
schema: deps
	$(PY) -m backend schema

## schema-check: fail when the code, schema.graphql or the manifests have drifted apart
schema-check: deps
	$(PY) -m backend schema-check

## migrations: write a migration for model changes (tortoise's built-in migrations)
migrations: deps
	LINLI_DATABASE_URL=sqlite://var/makemigrations.sqlite3 .venv/bin/tortoise -c backend.core.db.TORTOISE_ORM makemigrations $(if $(NAME),-n $(NAME))

## bench: the benchmarks in bench/, written to bench/RESULTS.md
bench: deps tools/postgraphile/node_modules/.package-lock.json
	scripts/ensure-services.sh --bench
	$(PY) -m bench

## lint: ruff on the Python, ESLint (with eslint-plugin-vue) on the console
lint: deps
	.venv/bin/ruff check .
	cd admin && npm run lint

deps: .venv/.synced admin/node_modules/.package-lock.json

.venv/.synced: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q uv
	$(UV) sync --frozen
	@touch $@

admin/node_modules/.package-lock.json: admin/package-lock.json
	cd admin && npm ci --no-audit --no-fund

mini_program/node_modules/.package-lock.json: mini_program/package-lock.json
	cd mini_program && npm ci --no-audit --no-fund

# firebase-tools, for the Firebase Auth emulator the tests start. --ignore-scripts skips an optional
# native module whose install script downloads from outside the registries.
tools/firebase/node_modules/.package-lock.json: tools/firebase/package-lock.json
	npm ci --prefix tools/firebase --ignore-scripts --no-audit --no-fund

# PostGraphile v4, the feed benchmark's comparison server (tools/postgraphile/server.js).
tools/postgraphile/node_modules/.package-lock.json: tools/postgraphile/package-lock.json
	npm ci --prefix tools/postgraphile --ignore-scripts --no-audit --no-fund

admin/dist/index.html: admin/node_modules/.package-lock.json $(ADMIN_SOURCES)
	cd admin && npm run build

clean:
	rm -rf .venv admin/node_modules admin/dist mini_program/node_modules tools/firebase/node_modules test-results var
