"""Periodic work of the facilities app (issue 10): each part adds its tasks here."""
