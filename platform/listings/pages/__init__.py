"""HTML pages over both kinds of entry: the catalogue, the reviewers' queue, the import page."""
