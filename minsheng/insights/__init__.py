"""Demand analysis (issue 9): the monthly demand snapshot and what is read from it.
See docs/demand.md."""
