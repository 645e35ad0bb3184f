"""productive-docs: keep Markdown and HTML documentation in step with Productive Docs.

The repository keeps ``converter/`` and ``sync/`` at its top (the design card asks for them); the build maps
them to ``productive_docs.converter`` and ``productive_docs.sync`` (``[tool.setuptools] package-dir`` in
``pyproject.toml``), so that one installed name is all this project adds to an environment.
"""

from __future__ import annotations


def installed_version() -> str:
    """The version from the installed metadata (the single source is ``pyproject.toml``); imported on call,
    since ``importlib.metadata`` alone costs more start-up than the whole ``--help``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("productive-docs")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"
