"""The needs JSON API under /api/v1: needs and their photos."""
