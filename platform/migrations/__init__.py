"""Alembic migrations of the whole schema; run through ``xiangxing db upgrade``."""
