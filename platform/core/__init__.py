"""Shared kernel: settings, database plumbing, errors, pagination, i18n and templating helpers.

Imports no domain package; every domain may import it.
"""
