"""Minsheng (民生): a county's public services on order."""
