-- Concurrent ingests into a month that has no partition yet: the second creator waited on the
-- advisory lock, then its to_regclass() still answered from a catalogue cache that predates the
-- first creator's commit (an advisory lock, unlike a relation lock, does not make a backend
-- read invalidations), so it ran CREATE TABLE again and the whole batch failed with
-- "relation obs_YYYYmMM already exists" (found by bench/observations with two clients).
-- CREATE TABLE IF NOT EXISTS locks the schema first, which does read them, and skips.
CREATE OR REPLACE FUNCTION hydro.ensure_obs_partitions(p_from timestamptz, p_to timestamptz) RETURNS integer
LANGUAGE plpgsql SET client_min_messages = warning AS $$
DECLARE
  m timestamp;
  created integer := 0;
  part text;
BEGIN
  IF p_from IS NULL OR p_to IS NULL THEN
    RETURN 0;
  END IF;
  m := date_trunc('month', p_from AT TIME ZONE 'UTC');
  WHILE m <= p_to AT TIME ZONE 'UTC' LOOP
    part := 'obs_' || to_char(m, 'YYYY"m"MM');
    IF to_regclass('hydro.' || part) IS NULL THEN
      PERFORM pg_advisory_xact_lock(727100010);
      EXECUTE format('CREATE TABLE IF NOT EXISTS hydro.%I PARTITION OF hydro.obs FOR VALUES FROM (%L) TO (%L)',
                     part, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
      created := created + 1;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END;
$$;
