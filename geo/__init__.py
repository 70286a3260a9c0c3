"""Geometry and statistics over arrays: H3 hexbinning, ward boundaries, GeoJSON features, periods."""
