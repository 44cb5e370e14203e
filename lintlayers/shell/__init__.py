"""lintlayers.shell."""
