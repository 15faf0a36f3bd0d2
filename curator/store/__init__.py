"""The store: models, engine, migrations and every query curator makes."""
