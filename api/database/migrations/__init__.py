"""Alembic migrations of the deployment database: tasking and access (run by api.database.migrate)."""
