"""Images and files of pages: references in documents, uploads, downloads and the one file-naming policy.

May import: ``sync.api``, ``converter``.
"""
