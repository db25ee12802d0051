# 乡兴 Xiangxing: the web app (Litestar on Granian), for docker-compose.yml or any container host.
#
#   docker build -t xiangxing .
#
# Where Docker Hub, ghcr.io or PyPI cannot be reached (mainland networks), name mirrors:
#
#   docker build \
#     --build-arg PYTHON_IMAGE=<registry mirror>/library/python:3.11-slim-trixie \
#     --build-arg UV_IMAGE=<registry mirror>/astral-sh/uv:0.13.9 \
#     --build-arg PYPI_FILES_MIRROR=https://mirrors.tuna.tsinghua.edu.cn/pypi/web/packages \
#     --build-arg DEBIAN_MIRROR=https://mirrors.tuna.tsinghua.edu.cn \
#     -t xiangxing .
#
# PYPI_FILES_MIRROR replaces https://files.pythonhosted.org/packages in the lock file's download
# URLs (a frozen sync downloads from the lock file, never from a configured index); every file is
# still checked against the hash the lock file records. DEBIAN_MIRROR replaces
# http://deb.debian.org for the one package the image adds: the PostgreSQL client, for
# `xiangxing backup` and `restore` (Debian trixie's, version 17: it dumps servers up to 17).
#
# The code finds templates/, static/, locale/ and the migrations relative to its own files, so the
# repository keeps its layout under /app and the project is installed in editable (dev) mode.

ARG PYTHON_IMAGE=python:3.11-slim-trixie
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9

FROM ${UV_IMAGE} AS uv

# ---- build: resolve the locked dependencies into /app/.venv --------------------------------
FROM ${PYTHON_IMAGE} AS build

ARG PYPI_FILES_MIRROR=""

COPY --from=uv /uv /uvx /bin/

# Byte-compile at build time (the runtime user cannot write __pycache__), copy rather than
# hard-link out of the cache mount, and use the image's Python, never a downloaded one.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock README.md ./
RUN if [ -n "$PYPI_FILES_MIRROR" ]; then \
        sed -i "s|https://files.pythonhosted.org/packages|${PYPI_FILES_MIRROR%/}|g" uv.lock; \
    fi
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# Then the project itself, installed editable so its paths stay anchored under /app (every
# dependency is installed already: nothing more is downloaded).
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev \
 && python -m compileall -q platform

# ---- runtime ---------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ARG DEBIAN_MIRROR=""

RUN if [ -n "$DEBIAN_MIRROR" ]; then \
        sed -i "s|http://deb.debian.org|${DEBIAN_MIRROR%/}|g" /etc/apt/sources.list.d/debian.sources; \
    fi \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

ENV XIANGXING_ENV=production \
    XIANGXING_VAR_DIR=/app/var \
    PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN groupadd --system --gid 10001 xiangxing \
 && useradd --system --uid 10001 --gid xiangxing --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin xiangxing

WORKDIR /app

# Code and virtualenv stay owned by root (read-only to the app); only var/ is writable.
# A named volume mounted on /app/var starts out with this ownership.
COPY --from=build /app /app
RUN mkdir -p /app/var && chown xiangxing:xiangxing /app/var

USER xiangxing

EXPOSE 8000

# No curl in slim images: ask /health with the standard library (503 raises, so exit 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# Migrate and load the reference data (idempotent), then hand PID 1 to the server so it
# receives SIGTERM directly.
CMD ["sh", "-c", "xiangxing db upgrade && exec xiangxing serve --host 0.0.0.0 --port 8000 --workers ${WEB_WORKERS:-2}"]
