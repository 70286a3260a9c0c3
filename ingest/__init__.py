"""Feed adapters, validation, enrichment and the DuckDB store."""
