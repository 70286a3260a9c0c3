-- Each distinct point's cells, computed once from its coordinates and reused by every later file (police.uk map
-- points repeat month after month). Filled from the incidents held; ingest adds the points it has not seen.
CREATE TABLE point_cells (
    lon     DOUBLE NOT NULL,
    lat     DOUBLE NOT NULL,
    cell    UBIGINT NOT NULL,
    cell_6  UBIGINT NOT NULL,
    cell_7  UBIGINT NOT NULL,
    cell_8  UBIGINT NOT NULL,
    cell_9  UBIGINT NOT NULL,
    cell_10 UBIGINT NOT NULL
);
INSERT INTO point_cells
SELECT lon, lat, any_value(h3_cell), any_value(cell_6), any_value(cell_7), any_value(cell_8), any_value(cell_9),
       any_value(cell_10)
FROM incidents
WHERE lon IS NOT NULL AND lat IS NOT NULL AND h3_cell IS NOT NULL AND cell_10 IS NOT NULL
GROUP BY lon, lat;
