"""The Productive API: a client holding a rate-limited transport, errors, settings and the inferred API facts.

May import: ``converter``. Nothing in ``sync`` above it.
"""
