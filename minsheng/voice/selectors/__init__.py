"""The voice app's reads, one module per part: ``surveys``, ``suggestions``, ``topics``."""
