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
