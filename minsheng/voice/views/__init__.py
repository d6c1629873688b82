"""The voice app's pages, one module per part, each with its own ``urlpatterns``
(included by ``minsheng.voice.urls``)."""
