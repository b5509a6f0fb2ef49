"""Where the page checkers live, and whether a missing one skips or fails.

`.ci/run` installs them all and sets EVENTAPP_REQUIRE_CHECKERS=1, so in CI a
missing checker is a failure, never a silent skip."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def require(available: bool, what: str) -> None:
    if available:
        return
    message = f"{what} is not installed (make checkers installs it)"
    if os.environ.get("EVENTAPP_REQUIRE_CHECKERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def java() -> str | None:
    return shutil.which("java")


def validate_html(pages: dict[str, bytes], folder: Path) -> list[str]:
    """Run the Nu HTML checker on rendered pages ({file name: body}); returns
    the errors and warnings as 'name:line: message' (empty when valid)."""
    import json
    import subprocess

    require(java() is not None, "Java")
    require(VNU_JAR.exists(), "vnu-jar")
    files = []
    for name, body in pages.items():
        path = folder / name
        path.write_bytes(body)
        files.append(str(path))
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", *files],
        capture_output=True, text=True, timeout=180,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error") or m.get("subType") == "warning"
    ]
