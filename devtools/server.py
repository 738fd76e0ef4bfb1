"""Start and stop `streamlit run` servers, and read their memory and CPU time.

The one launcher of the app for the browser tests, the benchmarks and the docs screenshots:
a free port on 127.0.0.1, the project's ``.streamlit/config.toml`` (the server runs in the
project folder), ``EVIDENCE_DATA`` pointing the app at a corpus and ``EVIDENCE_CACHE`` at
the folder holding its compiled database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    """``VmHWM`` (peak resident set) and ``VmRSS`` of a process, in MB (0 once it has exited)."""
    out = {"VmHWM": 0.0, "VmRSS": 0.0}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        key, _, rest = line.partition(":")
        if key in out:
            out[key] = int(rest.split()[0]) / 1024  # kB
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, in seconds (0 once it has exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """One running ``streamlit run`` process."""

    script: Path
    url: str
    process: subprocess.Popen
    started_s: float  # from Popen to a healthy /_stcore/health
    log_path: Path
    samples: list[float] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_rss_mb(self) -> float:
        """Peak resident memory so far (kernel high-water mark)."""
        return memory_mb(self.pid)["VmHWM"]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask a process to end (SIGTERM); kill it if it has not ended within ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"streamlit did not become healthy at {url}")


def start_server(
    script: Path,
    log_dir: Path,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    timeout: float = 120,
    port: int | None = None,
    flags: Sequence[str] = (),
    launcher: Sequence[str] = ("-m", "streamlit"),
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
) -> Server:
    """Start ``streamlit run script`` on a free port and wait until it answers its health check.

    Parameters
    ----------
    script : path
        ``app.py`` or another Streamlit script (the benchmarks' minimal page).
    log_dir : path
        Where the server's output goes (``streamlit-<port>.log``).
    data_dir, cache_dir : path, optional
        ``EVIDENCE_DATA`` and ``EVIDENCE_CACHE`` for the app.
    port : int, optional
        The port on 127.0.0.1 (default: a free one).
    flags : sequence of str
        More ``streamlit run`` options (``--runner.postScriptGC``, ``true``, …).
    launcher, env, cwd
        What runs Streamlit's command line after the interpreter (``bench/click_launch.py``
        wraps it to time the websocket), more environment, and the working folder.
    """
    port = port or free_port()
    env = {**os.environ, **(env or {})}
    if cache_dir is not None:
        env["EVIDENCE_CACHE"] = str(cache_dir)
    if data_dir is not None:
        env["EVIDENCE_DATA"] = str(data_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{script.stem}-{port}.log"
    started = time.perf_counter()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable, *launcher, "run", str(script),
                "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                *flags,
            ],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, timeout)
    except Exception:
        process.kill()
        process.wait(timeout=15)
        raise
    return Server(script, url, process, time.perf_counter() - started, log_path)
