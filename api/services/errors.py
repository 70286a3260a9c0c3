"""Domain errors raised by services; the HTTP layer and the CLI each map them once (status codes, exit codes)."""

from __future__ import annotations


class ParameterError(Exception):
    """A parameter that is well-formed but not acceptable (unknown code, empty period, resolution too fine)."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


class NotFoundError(Exception):
    """The item asked for does not exist, or the caller may not know that it does."""
