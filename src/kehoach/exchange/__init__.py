"""Data exchange: the interchange file (kehoach-data/1), its import and its export."""
