"""What offers and needs share: categories, lines, the review workflow, history, import, export."""
