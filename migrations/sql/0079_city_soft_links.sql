-- The city tables link to other themes' tables (towns, districts, pipe points) by code, not by
-- foreign key: the base and pipe samples are reloaded with a plain TRUNCATE of their own tables
-- (geodata/src/load), which a foreign key from another schema would refuse. The city sample
-- loader derives the codes from the same tables, so they agree after every load.
ALTER TABLE city.unit_grids DROP CONSTRAINT unit_grids_street_code_fkey, DROP CONSTRAINT unit_grids_district_adcode_fkey;
ALTER TABLE city.components DROP CONSTRAINT components_pipe_point_id_fkey;
ALTER TABLE city.vehicles DROP CONSTRAINT vehicles_assigned_street_code_fkey;
ALTER TABLE city.parking_lots DROP CONSTRAINT parking_lots_street_code_fkey;
