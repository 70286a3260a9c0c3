FROM python:3.11-slim

# Install the package (not editable) with the tested versions, then drop the source: AIM runs from site-packages,
# its shipped data (package aim_data) included.
COPY pyproject.toml README.md constraints.txt /src/
COPY api /src/api
COPY ingest /src/ingest
COPY geo /src/geo
COPY data /src/data
RUN pip install --no-cache-dir -c /src/constraints.txt /src && rm -rf /src

# AIM runs as `aim` (uid 10001), which owns /data: the store, its tasking and access databases, sent profiles and
# cached tiles. A named volume starts with this ownership; a host folder mounted on /data must be writable by 10001.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/aim aim \
    && mkdir -p /data && chown aim:aim /data
WORKDIR /data
ENV AIM_STORE=/data/aim.duckdb \
    AIM_HOST=0.0.0.0 \
    AIM_PORT=8000
VOLUME ["/data"]
EXPOSE 8000
USER aim
# Healthy while the service answers /healthz (200, `ok` or `degraded`): Python's urllib, as the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:' + os.environ.get('AIM_PORT', '8000') + '/healthz', timeout=5)"]
# Load your feeds with: docker run -v aim:/data IMAGE aim ingest police /feeds
# or the bundled demo with: docker run -p 8000:8000 IMAGE aim demo
CMD ["aim", "serve"]
