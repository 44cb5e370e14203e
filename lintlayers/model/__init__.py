"""lintlayers.model."""
