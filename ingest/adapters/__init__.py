"""One module per feed format; each yields Arrow batches."""
