-- Each point's H3 cell at every served resolution, computed from its coordinates (H3 is not a strict hierarchy: the
-- parent of a point's finest cell is often not the cell that contains the point). Stores written before this
-- migration get the columns empty; ingest.cells fills them from the coordinates when the store is next opened.
ALTER TABLE incidents ADD COLUMN cell_6 UBIGINT;
ALTER TABLE incidents ADD COLUMN cell_7 UBIGINT;
ALTER TABLE incidents ADD COLUMN cell_8 UBIGINT;
ALTER TABLE incidents ADD COLUMN cell_9 UBIGINT;
ALTER TABLE incidents ADD COLUMN cell_10 UBIGINT;
ALTER TABLE incident_counts ADD COLUMN cell_6 UBIGINT;
ALTER TABLE incident_counts ADD COLUMN cell_7 UBIGINT;
ALTER TABLE incident_counts ADD COLUMN cell_8 UBIGINT;
ALTER TABLE incident_counts ADD COLUMN cell_9 UBIGINT;
ALTER TABLE incident_counts ADD COLUMN cell_10 UBIGINT;
