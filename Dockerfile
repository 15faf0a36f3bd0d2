# curator's image: the API (`curator serve`), the scheduler (`curator scheduler`) and the
# one-shot commands (`curator db upgrade`, `curator sync`) all run from it; docker-compose.yml
# picks the command per service.
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY curator ./curator
COPY api ./api
COPY jobs ./jobs
COPY migrations ./migrations
# A virtual environment of its own, copied whole into the runtime image below.
RUN python -m venv /opt/curator \
    && /opt/curator/bin/pip install --upgrade pip \
    && /opt/curator/bin/pip install .


FROM python:3.11-slim

ENV PATH=/opt/curator/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CURATOR_CATALOG_PATH=/app/resources.yaml

RUN groupadd --system --gid 10001 curator \
    && useradd --system --uid 10001 --gid curator --home-dir /app --create-home curator
COPY --from=build /opt/curator /opt/curator
WORKDIR /app
COPY --chown=curator:curator resources.yaml /app/resources.yaml

USER curator
EXPOSE 8000
# The API by default; the scheduler service runs `curator scheduler` instead.
CMD ["curator", "serve", "--host", "0.0.0.0", "--port", "8000"]
