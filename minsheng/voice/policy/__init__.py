"""Who may see or do what in the voice app: one module per part (``surveys``,
``suggestions``, ``topics``), each with ``can_<verb>(user, obj)`` predicates and the
reader-aware ``Q`` builders that mean the same. Every page, template, endpoint and service
asks these, and nothing else."""
