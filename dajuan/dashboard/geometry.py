"""Grid polygons for the dashboard's map, as GeoJSON (ECharts draws them without map tiles).

The demo grids have no surveyed boundaries, so each grid gets an invented, deterministic quadrilateral:
grids are laid out in a lattice in code order near 谯城区 (115.78°E, 33.87°N), each lattice corner nudged by a
hash of its position (neighbours keep sharing corners) so the map looks drawn rather than ruled.
When surveyed polygons are stored for grids (the grid app, DESIGN §3 一网共治), they replace these.
"""

import hashlib
import math
from functools import lru_cache

ORIGIN = (115.70, 33.80)  # lon, lat of the lattice's south-west corner
CELL = 0.012  # degrees


def _nudge(key: str) -> tuple[float, float]:
    digest = hashlib.sha256(key.encode()).digest()
    return ((digest[0] / 255 - 0.5) * CELL * 0.3, (digest[1] / 255 - 0.5) * CELL * 0.3)


def grid_feature_collection(grids: list[tuple[str, str]]) -> dict:
    """A FeatureCollection with one polygon per (code, name), keyed by code (`properties.name`)."""
    return _collection(tuple(sorted(grids)))


@lru_cache(maxsize=64)
def _collection(ordered: tuple[tuple[str, str], ...]) -> dict:
    """Computed once per set of grids (the polygons depend on nothing else); callers must not mutate it."""
    width = max(1, math.ceil(math.sqrt(len(ordered))))
    features = []
    for index, (code, name) in enumerate(ordered):
        col, row = index % width, index // width
        x0, y0 = ORIGIN[0] + col * CELL, ORIGIN[1] + row * CELL
        corners = [(x0, y0), (x0 + CELL, y0), (x0 + CELL, y0 + CELL), (x0, y0 + CELL)]
        ring = []
        for n, (x, y) in enumerate(corners):
            # Shared lattice corners get the same nudge from both sides, so neighbours still touch.
            key = f"{col + (n in (1, 2))}:{row + (n in (2, 3))}:{len(ordered)}"
            dx, dy = _nudge(key)
            ring.append([round(x + dx, 6), round(y + dy, 6)])
        ring.append(ring[0])
        features.append({"type": "Feature", "properties": {"name": code, "label": name},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}
