"""The voice app's REST endpoints (``/api/v1/…``), one module per part."""
