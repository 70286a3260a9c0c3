"""AIM's shipped reference data: ward boundaries, lookups, postcodes, the demo and sample feeds.

Installed as the package `aim_data` (see pyproject.toml); `api.settings` finds it with importlib.resources.
"""
