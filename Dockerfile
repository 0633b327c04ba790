# Production image. The same image runs the web server (gunicorn, the default command), the Celery
# worker and Celery beat: docker-compose.yml chooses the command of each service.
FROM python:3.12-slim-bookworm

ARG UV_VERSION=0.13.9

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    # .python-version pins the developers' patch release; the image's own 3.12 is the one to use.
    UV_PYTHON=/usr/local/bin/python3 \
    PATH="/app/.venv/bin:$PATH"

# WeasyPrint (PDF) loads Pango and HarfBuzz at run time; DejaVu is the fallback font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /app
# Dependencies first, in their own layer: rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev

# Production settings refuse to load without their secrets: dummy values, for this command only (they
# are not kept in the image). collectstatic touches neither the database nor Redis.
RUN DJANGO_ENV=production \
    SECRET_KEY=build-only-dummy-secret-key-never-used-at-run-time-0123456789 \
    SITE_URL=https://build.invalid \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    DEFAULT_FROM_EMAIL=build@build.invalid \
    python manage.py collectstatic --noinput

# The code stays root-owned and read-only for the process; /data holds what it writes (the private
# files volume, Celery beat's schedule).
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app \
    && mkdir -p /data/fichiers \
    && chown -R app:app /data
USER app

ENV DJANGO_ENV=production \
    PRIVATE_MEDIA_ROOT=/data/fichiers
EXPOSE 8000
# WEB_CONCURRENCY (read by gunicorn) sets the number of workers.
CMD ["gunicorn", "guichet.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
