"""Search over the published catalogue: Meilisearch in production, an embedded engine by default."""
