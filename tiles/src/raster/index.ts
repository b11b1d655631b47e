/** Raster tiles from Cloud-Optimized GeoTIFFs: reprojection, band styles, mosaic rendering, encoding. */
export * from './projection.ts';
export * from './warp.ts';
export * from './styles.ts';
export * from './cog-reader.ts';
export * from './render.ts';
export * from './point.ts';
