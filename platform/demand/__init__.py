"""Needs posted by township social-work stations for their villages (or by reviewers on behalf of
an association or department)."""
