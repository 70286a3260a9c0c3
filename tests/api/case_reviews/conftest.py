"""The Case Review tests run against SQLite and PostgreSQL (AIM_TEST_DATABASE_URL), as the case tests do."""

from tests.api.tasking.conftest import database_url, tasking_client

__all__ = ["database_url", "tasking_client"]
