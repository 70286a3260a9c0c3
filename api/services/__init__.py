"""The questions AIM answers, as plain Python: each takes filters and a store, returns data, raises domain errors."""
