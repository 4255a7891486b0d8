# syntax=docker/dockerfile:1
# The web image of the course app, built the way the course teaches: two stages, a pinned
# slim base, dependencies in a virtualenv copied into the final stage, static files collected
# at build time, a non-root user, gunicorn in exec form and a HEALTHCHECK without curl.
#
#   docker build -t learn-web:0.1.0 .
#
# The base is pinned to Python 3.12 on Debian 13 (trixie, stable since August 2025), as the
# course's image lesson teaches. For fully reproducible builds pin the digest too
# (`docker buildx imagetools inspect python:3.12-slim-trixie` prints it) and let
# Dependabot/Renovate bump it:  FROM python:3.12-slim-trixie@sha256:<digest> AS builder

# --- builder: a virtualenv with the locked dependencies --------------------------------------
# psycopg[binary], rpds-py and the other compiled dependencies ship manylinux wheels, so the
# builder needs no compiler and no apt-get.
FROM python:3.12-slim-trixie AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv

WORKDIR /src
# Only what `pip install .` needs, so editing templates, static files or lessons does not
# reinstall the dependencies. The pip cache lives in a BuildKit cache mount, never in a layer.
COPY pyproject.toml requirements.lock README.md ./
COPY learn/ learn/
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c requirements.lock .

# --- runtime: slim base + the virtualenv + the source ----------------------------------------
FROM python:3.12-slim-trixie AS runtime

# PYTHONPATH=/app: the app runs from its source tree (BASE_DIR must hold templates/, static/
# and lessons/), so /app/learn wins over the copy of the package pip put in the virtualenv.
# WEB_CONCURRENCY is gunicorn's default number of workers; override it per environment.
# SQLITE_PATH is only used when DATABASE_URL is unset (one container, SQLite in a volume).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=learn.settings \
    WEB_CONCURRENCY=3 \
    SQLITE_PATH=/data/db.sqlite3

# A fixed, unprivileged uid/gid (10001) that the Kubernetes securityContext repeats.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app \
    && mkdir /data \
    && chown app:app /data

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root: the app user can read it but not change it.
COPY manage.py ./
COPY learn/ learn/
COPY templates/ templates/
COPY static/ static/
COPY lessons/ lessons/

# Hashed, compressed static files for whitenoise, baked into the image. The secret key exists
# only for this one command (settings refuse to load without one); it is not in any layer's
# environment and the running container gets its real key at run time.
RUN DJANGO_SECRET_KEY=collectstatic-build-only-not-a-secret \
    python manage.py collectstatic --noinput

# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001

EXPOSE 8000

# The process answers: /healthz needs no database, and the app serves it before host
# validation and the HTTPS redirect. Python's urllib, since slim images have no curl:
# urlopen raises on a refused connection or an HTTP error, so python exits non-zero.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

# Exec form: gunicorn is PID 1 and gets SIGTERM directly for a graceful shutdown.
# Workers come from WEB_CONCURRENCY; more flags can go in GUNICORN_CMD_ARGS. No control
# socket: gunicorn (>= 25.1) would try to create one under $HOME, which does not exist here.
CMD ["gunicorn", "learn.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--no-control-socket", \
     "--threads", "2", \
     "--timeout", "30", \
     "--graceful-timeout", "25", \
     "--access-logfile", "-"]
