# Two commands for a fresh clone: `make run` (demo site on SQLite) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test install lint format messages clean serve bench bench-pages bench-api bench-wire bench-newsletter bench-scale bench-readership bench-xtd bench-fediverse bench-moving load axe fediverse-peer

# The demo site and one background worker (emails, newsletter issues); Ctrl-C stops both.
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver_with_worker $(HOST):$(PORT)

# A background worker alone (production runs one or more, see the README).
worker: $(VENV)/.installed
	$(PY) manage.py worker

# The suite runs in parallel: PYTEST_WORKERS pytest-xdist workers (auto: one per core; 0: in this
# process), each with its own test database and, with REDIS_URL, its own Redis database (see
# config/settings.py). PYTEST_ARGS adds pytest options, e.g. PYTEST_ARGS='-m "not slow"'.
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

install: $(VENV)/.installed

# The lock pins exactly what CI tested; pyproject.toml declares the ranges.
$(VENV)/.installed: requirements.lock
	@test -x $(PY) || { python=$$(sh .ci/find-python) && "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

# axe-core for the accessibility tests, from the npm registry at the version pinned in
# tests/e2e/package-lock.json (not committed; without it those tests skip, except in CI).
AXE := tests/e2e/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund
	@touch $@

# Fedify, an ActivityPub server that is not ours, for the end-to-end federation test
# (tests/fediverse_peer): from the npm registry at the versions its package-lock.json pins
# (node_modules not committed; without it that test skips, except in CI).
FEDIFY := tests/fediverse_peer/node_modules/@fedify/fedify/package.json
fediverse-peer: $(FEDIFY)
$(FEDIFY): tests/fediverse_peer/package.json tests/fediverse_peer/package-lock.json
	npm ci --prefix tests/fediverse_peer --no-audit --no-fund
	@touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l it -l en --ignore=.venv --ignore=tests --no-location
	$(PY) manage.py compilemessages --ignore=.venv --ignore=tests --no-location

# Only what the build and the demo made (all ignored by git): the virtualenv, the SQLite file,
# uploads, collected static files, npm's folders, test screenshots, bench-xtd's virtualenv.
# tests/test_makefile.py holds it to that.
clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm uploads staticfiles tests/e2e/node_modules tests/fediverse_peer/node_modules test-artifacts .bench-venv-xtd

# Production-style server: gunicorn + whitenoise (set SECRET_KEY and ALLOWED_HOSTS, see README).
serve: $(VENV)/.installed
	DJANGO_ENV=production $(PY) manage.py migrate --noinput
	DJANGO_ENV=production $(PY) manage.py collectstatic --noinput
	DJANGO_ENV=production $(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi

# Article-page benchmark (not part of the tests): SQLite by default, DATABASE_URL for PostgreSQL.
bench: $(VENV)/.installed
	$(PY) -m bench.comments

# Comment pages: the same page cost with 1,000 or 20,000 comments in the discussion.
bench-pages: $(VENV)/.installed
	$(PY) -m bench.comment_pages

# The 1,000-comment page over HTTP: bytes and time with gzip, br and no encoding.
# The API's discussion endpoint at 1,000 and 20,000 comments (not part of the tests).
bench-api: $(VENV)/.installed
	$(PY) -m bench.api

bench-wire: $(VENV)/.installed
	$(PY) -m bench.wire

# Rivista against django-comments-xtd on the same 1,000-comment tree, cold, in one run; xtd is
# installed once from PyPI in its own virtualenv, .bench-venv-xtd/.
bench-xtd: $(VENV)/.installed
	$(PY) -m bench.xtd

# Newsletter benchmark (not part of the tests): 100,000 subscribers, a local SMTP sink, two
# workers, one killed half-way. SQLite by default, DATABASE_URL for PostgreSQL.
bench-newsletter: $(VENV)/.installed
	$(PY) -m bench.newsletter $(BENCH_ARGS)

# A large magazine against the demo site (not part of the tests): PostgreSQL from DATABASE_URL,
# in <name>_small and <name>_large (kept between runs); BENCH_SCALE=0.05 for a quick look.
bench-scale: $(VENV)/.installed
	$(PY) -m bench.scale

# Readership beacons (not part of the tests): gunicorn, Redis from REDIS_URL (default
# 127.0.0.1:6390/14), beacons/s, latency and the folded counts checked against what was sent.
bench-readership: $(VENV)/.installed
	$(PY) -m bench.readership $(BENCH_ARGS)

# Big imports (not part of the tests): WordPress exports of 2,000 and 20,000 posts, Disqus exports
# of 10,000 and 200,000 comments, each import's time and peak memory (RSS) in a process of its
# own. SQLite by default, DATABASE_URL for PostgreSQL; BENCH_ARGS='--again' runs each twice.
bench-moving: $(VENV)/.installed
	$(PY) -m bench.moving $(BENCH_ARGS)

# Fediverse delivery (not part of the tests): an article to 10,000 followers on 1,000 servers,
# no network; SQLite by default, DATABASE_URL for PostgreSQL.
bench-fediverse: $(VENV)/.installed
	$(PY) -m bench.fediverse

# Load test (not part of the tests): gunicorn with production settings and PostgreSQL from
# DATABASE_URL (a fresh <name>_load database), 32 users reading and commenting for 60 s.
load: $(VENV)/.installed
	$(PY) -m bench.load $(LOAD_ARGS)
