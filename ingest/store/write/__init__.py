"""The write side of the store: staging a file, identity, partitions, aggregate counts, links, reference data."""
