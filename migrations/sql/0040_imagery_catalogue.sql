-- 多源遥感影像 scene catalogue, published as a STAC API (standards.md §7). A collection is one
-- source (sensor + processing level); an item is one scene with its Cloud-Optimized GeoTIFF.
-- Bands are described once per collection (name, common name, wavelength, display range), so a
-- band combination or index (NDVI) is chosen by common name and works for every source.
CREATE TABLE imagery.collections (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  title text NOT NULL,
  description text NOT NULL,
  license text NOT NULL DEFAULT 'proprietary',
  platforms text[] NOT NULL DEFAULT '{}',
  instruments text[] NOT NULL DEFAULT '{}',
  gsd_m double precision NOT NULL CHECK (gsd_m > 0),
  -- [{"name","common_name","center_wavelength","full_width_half_max","display_min","display_max","scale","offset"}, …]
  -- scale/offset (STAC raster extension) turn stored values into reflectance for indices.
  bands jsonb NOT NULL CHECK (jsonb_typeof(bands) = 'array' AND jsonb_array_length(bands) > 0),
  keywords text[] NOT NULL DEFAULT '{}',
  providers jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE imagery.items (
  collection text NOT NULL REFERENCES imagery.collections (id) ON DELETE CASCADE,
  id text NOT NULL CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
  datetime timestamptz NOT NULL,
  cloud_cover double precision CHECK (cloud_cover BETWEEN 0 AND 100),
  gsd_m double precision NOT NULL CHECK (gsd_m > 0),
  -- The COG's own CRS (STAC projection extension) and grid.
  epsg integer NOT NULL CHECK (epsg > 0),
  proj_shape integer[] NOT NULL CHECK (cardinality(proj_shape) = 2),
  proj_transform double precision[] NOT NULL CHECK (cardinality(proj_transform) = 6),
  band_count integer NOT NULL CHECK (band_count > 0),
  nodata double precision,
  -- True data footprint (valid pixels, not the bbox), CGCS2000 ≈ WGS84 at centimetre level.
  footprint geometry(MultiPolygon, 4490) NOT NULL,
  footprint_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(footprint, 3857)) STORED,
  -- COG file, relative to the imagery folder; its size and checksum for ETags.
  cog_path text NOT NULL,
  cog_bytes bigint NOT NULL,
  cog_sha1 text NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (collection, id)
);
CREATE INDEX items_footprint_idx ON imagery.items USING gist (footprint);
CREATE INDEX items_footprint_3857_idx ON imagery.items USING gist (footprint_3857);
CREATE INDEX items_datetime_idx ON imagery.items (datetime DESC, collection, id);
CREATE INDEX items_id_idx ON imagery.items (id);

-- Four sources over Taizhou. Display ranges are the stretch used for true/false colour.
INSERT INTO imagery.collections (id, title, description, license, platforms, instruments, gsd_m, bands, keywords, providers) VALUES
('gf2-pms', '高分二号 全色融合 / GF-2 PMS pan-sharpened',
 '高分二号 PMS 全色多光谱融合正射影像，4 m 多光谱波段 / GF-2 PMS pan-sharpened orthoimagery, 4 bands (B, G, R, NIR)',
 'proprietary', '{gf-2}', '{pms}', 4,
 '[{"name":"B1","common_name":"blue","center_wavelength":0.485,"full_width_half_max":0.07,"display_min":0,"display_max":255},
   {"name":"B2","common_name":"green","center_wavelength":0.555,"full_width_half_max":0.07,"display_min":0,"display_max":255},
   {"name":"B3","common_name":"red","center_wavelength":0.66,"full_width_half_max":0.06,"display_min":0,"display_max":255},
   {"name":"B4","common_name":"nir","center_wavelength":0.83,"full_width_half_max":0.12,"display_min":0,"display_max":255}]',
 '{高分二号,GF-2,正射影像}', '[{"name":"中国资源卫星应用中心 CRESDA","roles":["producer","licensor"]}]'),
('sentinel-2-l2a', 'Sentinel-2 L2A',
 'Sentinel-2 MSI 大气校正地表反射率 (B02, B03, B04, B08, 10 m) / Sentinel-2 MSI Level-2A surface reflectance',
 'proprietary', '{sentinel-2a,sentinel-2b}', '{msi}', 10,
 '[{"name":"B02","common_name":"blue","center_wavelength":0.49,"full_width_half_max":0.098,"display_min":0,"display_max":3000,"scale":0.0001},
   {"name":"B03","common_name":"green","center_wavelength":0.56,"full_width_half_max":0.045,"display_min":0,"display_max":3000,"scale":0.0001},
   {"name":"B04","common_name":"red","center_wavelength":0.665,"full_width_half_max":0.038,"display_min":0,"display_max":3000,"scale":0.0001},
   {"name":"B08","common_name":"nir","center_wavelength":0.842,"full_width_half_max":0.145,"display_min":0,"display_max":5000,"scale":0.0001}]',
 '{Sentinel-2,哨兵二号}', '[{"name":"ESA","roles":["producer","licensor"]}]'),
('landsat-c2-l2', 'Landsat 8/9 C2 L2',
 'Landsat 8/9 OLI 二级地表反射率 (SR_B2–B5, 30 m) / Landsat 8/9 Collection 2 Level-2 surface reflectance',
 'proprietary', '{landsat-8,landsat-9}', '{oli}', 30,
 '[{"name":"SR_B2","common_name":"blue","center_wavelength":0.48,"full_width_half_max":0.06,"display_min":7000,"display_max":16000,"scale":0.0000275,"offset":-0.2},
   {"name":"SR_B3","common_name":"green","center_wavelength":0.56,"full_width_half_max":0.057,"display_min":7000,"display_max":16000,"scale":0.0000275,"offset":-0.2},
   {"name":"SR_B4","common_name":"red","center_wavelength":0.655,"full_width_half_max":0.037,"display_min":7000,"display_max":16000,"scale":0.0000275,"offset":-0.2},
   {"name":"SR_B5","common_name":"nir","center_wavelength":0.865,"full_width_half_max":0.028,"display_min":7000,"display_max":24000,"scale":0.0000275,"offset":-0.2}]',
 '{Landsat,陆地卫星}', '[{"name":"USGS","roles":["producer","licensor"]}]'),
('aerial-ortho', '航空正射影像 / aerial orthophoto',
 '航空数码正射影像 (R, G, B, NIR) / aerial digital orthophoto',
 'proprietary', '{aircraft}', '{dmc}', 0.5,
 '[{"name":"R","common_name":"red","center_wavelength":0.64,"display_min":0,"display_max":255},
   {"name":"G","common_name":"green","center_wavelength":0.55,"display_min":0,"display_max":255},
   {"name":"B","common_name":"blue","center_wavelength":0.47,"display_min":0,"display_max":255},
   {"name":"NIR","common_name":"nir","center_wavelength":0.8,"display_min":0,"display_max":255}]',
 '{航空影像,正射}', '[{"name":"台州市自然资源和规划局","roles":["producer","host"]}]');
