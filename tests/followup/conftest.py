"""Fixtures of the follow-up tests: the agreement tests' parties and accepted pairing."""

from tests.agreements.conftest import parties, proposal

__all__ = ["parties", "proposal"]
