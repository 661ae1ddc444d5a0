"""`import`: saved pages and text files turned into articles."""
