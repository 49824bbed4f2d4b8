"""What every command is handed: the workspace folder, and how to open Baton on it.

Kept apart from ``main.py`` so that command modules import it without importing the
group that lazily imports them.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from baton.bootstrap import Baton
    from baton.settings import Settings


def no_workspace_message(folder: Path) -> str:
    return f"no baton.yaml in {folder.resolve()} — use -w DIR or cd into a workspace"


@dataclass
class CliContext:
    workspace: Path

    def require_workspace(self) -> None:
        """Exit 1, creating nothing, when the folder holds no baton.yaml and no database
        was named: a report there would only print zeros from a fresh empty database."""
        if "BATON_DATABASE_URL" in os.environ or (self.workspace / "baton.yaml").is_file():
            return
        raise click.ClickException(no_workspace_message(self.workspace))

    def settings(self) -> Settings:
        from baton.settings import Settings, SettingsError

        self.require_workspace()
        try:
            return Settings.from_env(self.workspace)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc

    def open(self) -> Baton:
        from baton.bootstrap import open_baton

        return open_baton(self.settings())


def author_name() -> str:
    """Who is acting: $BATON_AUTHOR, else the login name."""
    return os.environ.get("BATON_AUTHOR") or getpass.getuser()
