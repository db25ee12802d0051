"""The matching JSON API under /api/v1: suggestions, proposals, signing events."""
