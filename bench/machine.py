"""What the numbers were measured on: the machine and the versions of everything timed."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def chromium_version(path: str = "/usr/bin/chromium") -> str:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "not found"
    # Debian's wrapper script may print shell noise before the version line
    lines = [line for line in out.splitlines() if line.startswith("Chromium")]
    return lines[-1].strip() if lines else out.strip() or "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> dict[str, str]:
    """Machine and versions, as label → text."""
    return {
        "CPU": cpu_model(),
        "cores (nproc)": str(os.cpu_count()),
        "memory": f"{memory_gb():.1f} GB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "DuckDB": _version("duckdb"),
        "pandas": _version("pandas"),
        "Streamlit": _version("streamlit"),
        "Playwright": _version("playwright"),
        "Chromium": chromium_version(),
    }
