"""The sync engine: folder scan, state, plan, documents, links, push, pull and watch.

May import: ``sync.assets``, ``sync.api``, ``converter``.
"""
