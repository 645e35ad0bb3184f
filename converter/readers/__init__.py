"""Readers: text in some format -> ``converter.Document``. Registered in ``converter.READERS``."""
