# syntax=docker/dockerfile:1
# The Storywatch worker: the pipeline and its CLI, installed with uv from the lock file.
FROM python:3.11-slim

# uv, pinned to the version the lock file was written with.
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /uvx /bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1

WORKDIR /app

# Dependencies first, in their own layer, so that code changes do not reinstall them.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-project

# Then the project itself (config/, samples/ and kibana/ included: the demo reads them).
COPY . /app
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# Run unprivileged; var/ is where the worker keeps local state.
RUN useradd --create-home --uid 10001 storywatch \
    && mkdir -p /app/var \
    && chown -R storywatch:storywatch /app/var
USER storywatch

ENV PATH="/app/.venv/bin:$PATH"

CMD ["storywatch", "run", "--every", "5m"]
