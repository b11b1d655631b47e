export * from './tile-key.ts';
export * from './dirty-region.ts';
export * from './tile-store.ts';
export { MemoryTileStore } from './memory-store.ts';
export { DiskTileStore } from './disk-store.ts';
export { TileCache, packTile, type TileCacheOptions, type TileCacheStats } from './tile-cache.ts';
