"""curator's HTTP service (FastAPI): the public resource list, editors' reports and actions."""
