-- A counter that every statement changing the pipe network advances (API writes, survey imports,
-- the sample loader and direct SQL alike), so a server can keep each category's trace graph in
-- memory and reload it only after a change (map-server/src/services/pipe-graph.ts). A sequence,
-- not a row: concurrent writers never wait on it, and a rolled-back change only costs a reload.
CREATE SEQUENCE pipe.network_version;

CREATE FUNCTION pipe.bump_network_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('pipe.network_version');
  RETURN NULL;
END
$$;

CREATE TRIGGER segments_network_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pipe.segments
  FOR EACH STATEMENT EXECUTE FUNCTION pipe.bump_network_version();
CREATE TRIGGER points_network_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pipe.points
  FOR EACH STATEMENT EXECUTE FUNCTION pipe.bump_network_version();
