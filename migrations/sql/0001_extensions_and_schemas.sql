-- Extensions and the theme schemas of architecture.md §3.
-- btree_gist: exclusion constraints mixing equality on a feature id with range overlap.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA IF NOT EXISTS catalog;
CREATE SCHEMA IF NOT EXISTS base;
CREATE SCHEMA IF NOT EXISTS imagery;
CREATE SCHEMA IF NOT EXISTS planning;
CREATE SCHEMA IF NOT EXISTS hydro;
CREATE SCHEMA IF NOT EXISTS pipe;
CREATE SCHEMA IF NOT EXISTS city;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS audit;

COMMENT ON SCHEMA base IS '基础地理: 行政区划, 水系, 道路, 建筑物, 地名, 地表覆盖';

-- One row per loaded dataset: what the sample generator or an import put in, and when.
CREATE TABLE catalog.dataset_loads (
  id bigserial PRIMARY KEY,
  layer_id text NOT NULL,
  source text NOT NULL,
  row_count bigint NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
