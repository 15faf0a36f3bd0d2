"""The refresh report: a frozen value built from the store (data.py), then rendered (render.py)."""
