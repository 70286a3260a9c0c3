-- Reference: each local authority district's community safety partnership and police force area.
CREATE TABLE lad_areas (
    lad_code VARCHAR NOT NULL,
    lad_name VARCHAR NOT NULL,
    csp_code VARCHAR NOT NULL,
    csp_name VARCHAR NOT NULL,
    pfa_code VARCHAR NOT NULL,
    pfa_name VARCHAR NOT NULL,
    PRIMARY KEY (lad_code, csp_code)  -- a few LADs sit in more than one CSP
);
