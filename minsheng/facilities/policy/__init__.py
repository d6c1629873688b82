"""Who may see and do what with facilities: one module per part, each asked by every page,
endpoint and template of that part. ``register`` is the base the others build on."""
