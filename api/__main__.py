"""`python -m api` runs the aim command line."""

from api.cli import app

app()
