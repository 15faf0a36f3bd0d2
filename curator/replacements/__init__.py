"""Finding where a broken link's page went, on the same site: sitemaps, the site's own links,
ranking by address and title, and matching pages against the old one.

`sitemaps`, `links`, `ranking` and `matching` are pure; `search` fetches through the checker's
one guarded fetcher, under its own budget.
"""
