FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY ingest ./ingest
COPY geo ./geo
COPY data ./data
RUN pip install --no-cache-dir -e .

ENV AIM_STORE=/data/aim.duckdb \
    AIM_HOST=0.0.0.0 \
    AIM_PORT=8000
VOLUME ["/data"]
EXPOSE 8000
# Load your feeds with: docker run -v aim:/data IMAGE aim ingest police /feeds
# or the bundled demo with: docker run -p 8000:8000 IMAGE aim demo
CMD ["aim", "serve"]
