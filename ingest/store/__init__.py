"""The only code that imports duckdb: connection, migrations, writer and queries."""
