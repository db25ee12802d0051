"""What needs offers and needs together: the two-kind catalogue and review pages, import, export."""
