# The HTTP service in a container: promorules serve, with the server extra, as a non-root user.
#
#   docker build -t promorules .
#   docker run --rm -p 8000:8000 promorules
#   docker run --rm -p 8000:8000 -e PROMORULES_TOKEN -v "$PWD/rulesets:/rulesets:ro" promorules \
#       --ruleset acme=/rulesets/acme --ruleset globex=/rulesets/globex --metrics --log-format json --access-log
#
# durable-rules is compiled from source (it has no wheels), so the build stage has a C compiler; the final
# stage gets only the finished virtualenv. The install is the one `make test` uses (pip install of this
# folder, with the server extra among its extras): tests/service/test_server_ops.py checks they stay the same.

FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/promorules
WORKDIR /src
COPY pyproject.toml ./
COPY docs/package.md ./docs/package.md
COPY promorules ./promorules
COPY rulesets ./rulesets
RUN /opt/promorules/bin/python -m pip install --no-cache-dir --upgrade pip \
    && /opt/promorules/bin/python -m pip install --no-cache-dir '.[server]'

FROM python:3.11-slim
COPY --from=build /opt/promorules /opt/promorules
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin promorules
USER 10001
ENV PATH=/opt/promorules/bin:$PATH PYTHONDONTWRITEBYTECODE=1
EXPOSE 8000
# /healthz answers without a token, so the probe needs none.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Arguments given to `docker run` are added to these (--ruleset, --token-file, --metrics, ...).
ENTRYPOINT ["promorules", "serve", "--host", "0.0.0.0", "--port", "8000"]
