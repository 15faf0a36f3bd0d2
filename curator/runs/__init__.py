"""Check runs: the checker driven over the catalog, every result stored, link states settled."""
