"""The ``productive-docs`` command: entry point, one module per command family, output.

May import everything below it: ``sync.confluence``, ``sync.server``, ``sync.engine``, ``sync.assets``,
``sync.api``, ``converter``.
"""
