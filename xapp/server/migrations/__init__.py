"""Alembic migrations; `xapp.server.db.migrate` runs them to head on every start."""
