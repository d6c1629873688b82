"""Facilities: one module per part (register, use, collections, health, activities, maintenance)."""
