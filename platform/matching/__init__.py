"""Matching: pairing suggestions, pairing proposals and the global plan of signing events."""
