"""Registry of process logs; conftest.py attaches their tails to the report of a failing test."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

_logs: Dict[str, Path] = {}


def register(name: str, path: Path) -> None:
    """Adds (or replaces) a log under `name`; a file that does not exist yet is fine."""
    _logs[name] = Path(path)


def unregister(name: str) -> None:
    _logs.pop(name, None)


def registered() -> Dict[str, Path]:
    return dict(_logs)


def tail(path: Path, lines: int = 60) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 128 * 1024))
            text = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    out = text.splitlines()[-lines:]
    return "\n".join(out) if out else "(empty)"
