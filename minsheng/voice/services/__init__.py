"""The voice app's writes, one module per part: ``surveys``, ``suggestions``, ``topics``.
Import the part's module (``from minsheng.voice.services import surveys``)."""
