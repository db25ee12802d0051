"""What the platform follows up on: each party's to-do list and the reviewers' alerts."""
