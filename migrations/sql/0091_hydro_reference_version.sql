-- A version number of the data a batch is validated against (stations, their datastreams, the
-- element code list and the settings), bumped by any statement that changes it. The ingest
-- path re-reads the whole reference (thousands of datastreams, four queries) only when the
-- number moved, instead of on every batch: a fifth of the server's time per 12,000-row batch.
-- Station status updates (status, status_value, status_tm) do not bump it.

CREATE TABLE hydro.reference_version (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO hydro.reference_version (id, version) VALUES (true, 1);

CREATE FUNCTION hydro.bump_reference_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE hydro.reference_version SET version = version + 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER reference_changed AFTER INSERT OR DELETE OR UPDATE OF stcd, sttp, usfl ON hydro.st_stbprp_b
  FOR EACH STATEMENT EXECUTE FUNCTION hydro.bump_reference_version();
CREATE TRIGGER reference_truncated AFTER TRUNCATE ON hydro.st_stbprp_b
  FOR EACH STATEMENT EXECUTE FUNCTION hydro.bump_reference_version();
CREATE TRIGGER reference_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON hydro.datastream
  FOR EACH STATEMENT EXECUTE FUNCTION hydro.bump_reference_version();
CREATE TRIGGER reference_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON hydro.code_element
  FOR EACH STATEMENT EXECUTE FUNCTION hydro.bump_reference_version();
CREATE TRIGGER reference_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON hydro.setting
  FOR EACH STATEMENT EXECUTE FUNCTION hydro.bump_reference_version();
