"""lintlayers.reporters."""
