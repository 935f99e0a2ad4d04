"""Small helpers for end-to-end tests."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import List

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / "scripts" / "lib"))

# One implementation of polling for the scripts and the tests.
from basalt_infra import wait_until  # noqa: E402  (re-exported)

__all__ = ["REPO_ROOT", "wait_until", "free_port", "processes_mentioning"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def processes_mentioning(text: str) -> List[str]:
    """"pid: command line" of every live process whose command line contains `text`."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("ascii", "replace")
        except OSError:
            continue
        if stat[stat.rfind(")") + 2:].startswith("Z"):
            continue  # an exited child not reaped yet holds nothing
        if text in cmd:
            found.append(f"{entry}: {cmd}")
    return found
