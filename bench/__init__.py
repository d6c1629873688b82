"""``make bench``: order-submission throughput against two ceilings (see docs/benchmarks.md)."""
