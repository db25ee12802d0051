"""``xiangxing matching store-terms``: store the segmented words of entries written before the
words were stored, or by bulk inserts (`matching.terms`)."""

from __future__ import annotations

import asyncio

import click

from matching.terms import store_missing
from xiangxing import models as _registry  # noqa: F401 (every table, and the words' flush events)
from xiangxing.cli_support import in_transaction


@click.group("matching")
def matching_group() -> None:
    """Pairing and signing-event plans."""


@matching_group.command("store-terms")
def store_terms() -> None:
    """Store the words of every need and offer whose words are missing or out of date."""
    stored = asyncio.run(in_transaction(store_missing))
    click.echo(f"stored the words of {stored} entries")
