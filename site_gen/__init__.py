"""site_gen: a static fact-sheet generator with verified quotes."""
