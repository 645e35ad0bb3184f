"""Keep a folder of Markdown/HTML docs in step with a Productive doc (the ``pages`` API)."""
