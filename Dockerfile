FROM python:3.11-slim

# Install the package (not editable) with the tested versions, then drop the source: AIM runs from site-packages,
# its shipped data (package aim_data) included.
COPY pyproject.toml README.md constraints.txt /src/
COPY api /src/api
COPY ingest /src/ingest
COPY geo /src/geo
COPY data /src/data
RUN pip install --no-cache-dir -c /src/constraints.txt /src && rm -rf /src

WORKDIR /data
ENV AIM_STORE=/data/aim.duckdb \
    AIM_HOST=0.0.0.0 \
    AIM_PORT=8000
VOLUME ["/data"]
EXPOSE 8000
# Load your feeds with: docker run -v aim:/data IMAGE aim ingest police /feeds
# or the bundled demo with: docker run -p 8000:8000 IMAGE aim demo
CMD ["aim", "serve"]
