"""The browser tests' vendored assets (tests/e2e/vendor: axe-core) are what their manifest
says, and stay test assets: the package never ships or serves them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "tests" / "e2e" / "vendor"


def test_vendored_test_assets_match_their_manifest():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    (axe,) = [e for e in manifest["files"] if e["name"] == "axe-core"]
    assert axe["version"].startswith("4.") and axe["license"] == "MPL-2.0"
    for entry in manifest["files"]:
        data = (VENDOR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["version"] in data[:200].decode("utf-8", "replace"), entry["file"]
        assert (VENDOR / entry["license_file"]).read_text().strip()
    listed = {e["file"] for e in manifest["files"]} | {e["license_file"] for e in manifest["files"]}
    assert {p.name for p in VENDOR.iterdir()} == listed | {"MANIFEST.json"}


def test_axe_core_is_not_part_of_the_package():
    package = ROOT / "src" / "baton"
    assert not [p for p in package.rglob("*") if "axe" in p.name.lower()]
    for template in (package / "web" / "templates").rglob("*.html"):
        assert "axe" not in template.read_text().lower(), template.name
