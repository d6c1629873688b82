"""Minsheng (民生): a county's public services on order."""

from minsheng.celery import app as celery_app

__all__ = ["celery_app"]
