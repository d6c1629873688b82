"""Notifications: the in-site inbox, SMS through a pluggable gateway, and e-mail."""
