"""Alembic migrations of the tasking database (run by TaskingStore.open at start-up)."""
