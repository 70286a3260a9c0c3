"""HTTP API, analyst map page and command line."""
