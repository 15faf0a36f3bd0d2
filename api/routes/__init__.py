"""The API's routers: public (no authentication) and editor (bearer token)."""
