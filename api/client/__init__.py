"""A Python client of AIM's API for notebooks and other programs: it reads a running service, never the store."""

from api.client.client import AimClient
from api.client.errors import ApiError

__all__ = ["AimClient", "ApiError"]
