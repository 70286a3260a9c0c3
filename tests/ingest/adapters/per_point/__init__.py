"""The movement readers as they were before they read column by column: a value at a time (parse_time and
number_or_nan per point, each patrol log entry's pings built one list at a time). Kept only as the reference the
column-wise readers must equal, point for point, on the fixtures (test_column_wise.py)."""
