# Multi-stage build: dependencies in a builder, a slim non-root runtime serving WSGI with gunicorn threads.
# (No Docker engine on the development machines: this file is reviewed by reading.)
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY saas ./saas
COPY tenants ./tenants
COPY web ./web
RUN pip install --upgrade pip && pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=saas.settings.base \
    STATIC_ROOT=/app/static \
    MEDIA_ROOT=/data/media
# Pango, HarfBuzz and a font for WeasyPrint (invoices and quotes rendered to PDF/A-3b).
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 app && mkdir -p /app /data/media && chown -R app /app /data
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY --chown=app manage.py ./
COPY --chown=app graphql ./graphql
USER app
# collectstatic needs settings but no database: a throwaway key and URL are enough.
RUN SECRET_KEY=build DATABASE_URL=postgresql://build@localhost/build python manage.py collectstatic --noinput
EXPOSE 8000
# Threads, not processes, per worker: django-tenants binds the tenant per connection per thread (DESIGN.md §3).
CMD ["gunicorn", "saas.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", \
     "--workers", "2", "--threads", "8", "--max-requests", "2000", "--max-requests-jitter", "200", \
     "--access-logfile", "-"]
