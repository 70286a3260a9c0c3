"""The only code that imports duckdb: connection and migrations, the write side and the read side."""
