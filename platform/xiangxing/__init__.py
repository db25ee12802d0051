"""Composition root: the app factory, the CLI, the model registry and the demo data.

The only package that imports every domain.
"""
