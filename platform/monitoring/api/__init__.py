"""The monitoring JSON API: the stats (``stats``) and the open-data exports (``exports``)."""
