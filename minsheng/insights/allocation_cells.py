"""Built by its part (issue 11)."""
