"""The Celery application: periodic sweeps and, later, other background work.

With ``REDIS_URL`` unset, tasks run inline (eagerly) in the calling process, so the
embedded set-up needs no broker; in production ``REDIS_URL`` names the broker and
``celery -A minsheng worker`` / ``celery -A minsheng beat`` run beside the web servers.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")

app = Celery("minsheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
