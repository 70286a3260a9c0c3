"""The tasking system of record (problems, areas, profiles, actions, reviews, evaluations and their audit), kept in
the deployment database (api.database: an SQLite file beside the store by default, PostgreSQL for a hub)."""

from api.tasking.store import TaskingStore, TaskingUnavailable, default_url

__all__ = ["TaskingStore", "TaskingUnavailable", "default_url"]
