"""Where the client's settings come from: flags > environment > config file > defaults.

The config file is TOML at ``$XDG_CONFIG_HOME/productive-docs/config.toml`` (else
``~/.config/productive-docs/config.toml``)::

    api_token = "..."
    org_id = "12345"
    api_url = "https://api.productive.io/api/v2/"

A missing token is not an error here: the sync command then falls back to the embedded local server
(``sync.server.app.embedded``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from productive_docs.converter.errors import UsageError

DEFAULT_API_URL = "https://api.productive.io/api/v2/"
ENV_TOKEN, ENV_ORG, ENV_URL = "PRODUCTIVE_API_TOKEN", "PRODUCTIVE_ORG_ID", "PRODUCTIVE_API_URL"
#: config-file key -> Settings field
FILE_KEYS = {"api_token": "token", "org_id": "org_id", "api_url": "base_url"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved connection settings; ``repr`` never shows the token."""

    token: str | None
    org_id: str | None
    base_url: str

    def __repr__(self) -> str:
        token = "set" if self.token else "unset"
        return f"Settings(token=<{token}>, org_id={self.org_id!r}, base_url={self.base_url!r})"


def _xdg_dir(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable)
    return Path(base) if base else Path.home() / fallback


def default_config_path() -> Path:
    """The user's config file (it need not exist)."""
    return _xdg_dir("XDG_CONFIG_HOME", ".config") / "productive-docs" / "config.toml"


def default_data_dir() -> Path:
    """The user's data folder for the tool (the embedded server's database lives here)."""
    return _xdg_dir("XDG_DATA_HOME", ".local/share") / "productive-docs"


def read_config_file(path: Path) -> dict[str, str]:
    """The file's settings as Settings field names; a missing file is empty, a broken one a UsageError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read config file: {exc}") from None
    import tomllib  # here: most runs have no config file (token and org in the environment)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: cannot read config file: {exc}") from None
    return {field: str(data[key]) for key, field in FILE_KEYS.items() if data.get(key) not in (None, "")}


def resolve_settings(
    token: str | None = None,
    org_id: str | None = None,
    base_url: str | None = None,
    config_path: Path | str | None = None,
) -> Settings:
    """Each setting from the first source that has it: flag, environment, config file, default."""
    from_file = read_config_file(Path(config_path) if config_path else default_config_path())
    from_env = {
        field: os.environ[name]
        for name, field in ((ENV_TOKEN, "token"), (ENV_ORG, "org_id"), (ENV_URL, "base_url"))
        if os.environ.get(name)
    }
    flags = {"token": token, "org_id": org_id, "base_url": base_url}

    def pick(field: str) -> str | None:
        return flags[field] or from_env.get(field) or from_file.get(field)

    return Settings(pick("token"), pick("org_id"), pick("base_url") or DEFAULT_API_URL)
