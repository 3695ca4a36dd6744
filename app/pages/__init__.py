"""Public pages served from a cache that cannot be stale (see cache.py)."""
