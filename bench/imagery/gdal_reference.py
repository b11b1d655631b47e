"""Reference renderer for bench/imagery: GDAL (Debian python3-gdal) in one long-lived process.

Reads lines "z x y minx miny maxx maxy" (EPSG:3857 tile bounds) on stdin and, for each, warps
the same window of the same COG to a 256 px Web Mercator tile (gdal.Warp into memory, nearest,
overviews chosen by GDAL), rescales bands R,G,B with the collection's display range and encodes
PNG (gdal.Translate) — the work our renderer does. Prints "ms bytes" per tile, timed inside the
process like ours. A line "reopen" starts a batch with an empty block cache (as ours does).
"""
import sys
import time

from osgeo import gdal

gdal.UseExceptions()
path, lo, hi = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
src = gdal.Open(path)
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    if parts[0] == 'reopen':
        # A new batch starts cold, like ours: closing the dataset drops its cached blocks.
        src = None
        src = gdal.Open(path)
        print('ok', flush=True)
        continue
    minx, miny, maxx, maxy = map(float, parts[3:7])
    t0 = time.perf_counter()
    warped = gdal.Warp('', src, format='MEM', dstSRS='EPSG:3857', outputBounds=(minx, miny, maxx, maxy),
                       width=256, height=256, resampleAlg='near', dstAlpha=True)
    png = gdal.Translate('/vsimem/tile.png', warped, format='PNG', bandList=[3, 2, 1, 5], outputType=gdal.GDT_Byte,
                         scaleParams=[[lo, hi, 0, 255], [lo, hi, 0, 255], [lo, hi, 0, 255], [0, 255, 0, 255]])
    png = None
    size = gdal.VSIStatL('/vsimem/tile.png').size
    gdal.Unlink('/vsimem/tile.png')
    warped = None
    ms = (time.perf_counter() - t0) * 1000
    print(f"{ms:.3f} {size}", flush=True)
