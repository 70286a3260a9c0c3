"""The tasking system of record (problems, areas, profiles, actions, reviews, evaluations and their audit): the only
code that imports SQLAlchemy or Alembic, with api/access (tokens, sessions, audit share the database and its
migrations). SQLite beside the store by default, PostgreSQL for a hub."""

from api.tasking.store import TaskingStore, TaskingUnavailable, default_url

__all__ = ["TaskingStore", "TaskingUnavailable", "default_url"]
