"""The starter workspace that `baton init` writes (also used by tests as a known-good workspace)."""

from __future__ import annotations

import shutil
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_FILES = ("baton.yaml", "people.csv", "territories.csv")


def write_template(directory: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the starter files into ``directory``; refuse to overwrite unless asked."""
    directory.mkdir(parents=True, exist_ok=True)
    targets = [directory / name for name in TEMPLATE_FILES]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{existing[0]} already exists; not overwriting it")
    for name, target in zip(TEMPLATE_FILES, targets, strict=True):
        shutil.copyfile(TEMPLATES / name, target)
    return targets
