# The web application image used by docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/app/.venv/bin:$PATH"

WORKDIR /app
COPY scripts/bootstrap_uv.py scripts/bootstrap_uv.py
RUN python scripts/bootstrap_uv.py /usr/local/bin/uv
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
# The manifest of hashed static files is built once, into the image.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

RUN useradd --system --home /app gcm && chown -R gcm /app
USER gcm
EXPOSE 8000
# gthread: a worker keeps answering its heartbeat while a thread streams a long export
# (200,000 rows take about a minute); a sync worker is killed at the 30 s timeout, mid-file.
CMD ["gunicorn", "gcm_review.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--access-logfile", "-"]
