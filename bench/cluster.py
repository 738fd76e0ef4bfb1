"""Several replicas of the app behind HAProxy on one machine (``make serve REPLICAS=N``).

The compiled database is built once (``core.db.compiled_database``) before any replica
starts; every replica finds it in the same cache folder and opens it read-only. HAProxy is
configured from ``deploy/haproxy.cfg`` (sticky cookie, health check on
``/_stcore/health``, websocket tunnel timeout).

Examples
--------
Three replicas behind the balancer on http://127.0.0.1:8501 (Ctrl-C stops everything)::

    .venv/bin/python -m bench.cluster --replicas 3 --port 8501

The load test and ``tests/test_serve.py`` use :func:`start_cluster` directly.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import APP, ROOT, Server, free_port, start_server
from core import db
from core.records import DEFAULT_DATA_DIR
from devtools.server import stop_process

TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
COOKIE = "EXPLORER_REPLICA"


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next(
        (str(p) for p in (Path("/usr/sbin/haproxy"), Path("/usr/local/sbin/haproxy")) if p.exists()), None
    )


def render_config(bind: str, backends: list[tuple[str, int]], template: Path = TEMPLATE) -> str:
    """``deploy/haproxy.cfg`` with the listening address and one server line per replica.

    Parameters
    ----------
    bind : str
        ``address:port`` where readers connect, e.g. ``127.0.0.1:8501``.
    backends : list of (name, port)
        The replicas, each a ``streamlit run`` on 127.0.0.1.
    """
    servers = "\n".join(f"    server {name} 127.0.0.1:{port} check cookie {name}" for name, port in backends)
    return string.Template(template.read_text(encoding="utf-8")).substitute(bind=bind, servers=servers)


def check_config(path: Path) -> subprocess.CompletedProcess:
    """``haproxy -c -f path``: HAProxy's own validation of a configuration file."""
    binary = haproxy_binary()
    if binary is None:
        raise FileNotFoundError("haproxy is not installed (Debian: apt-get install haproxy)")
    return subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True, timeout=60)


def _wait_http(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Cluster:
    """N ``streamlit run`` replicas and the HAProxy in front of them."""

    url: str
    replicas: list[Server]
    names: list[str]
    haproxy: subprocess.Popen
    config_path: Path
    workdir: Path
    data_dir: Path
    cache_dir: Path
    restarted: list[str] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [server.pid for server in self.replicas]

    def replica_for_cookie(self, value: str) -> int:
        return self.names.index(value)

    def kill(self, index: int) -> None:
        """Kill a replica outright (SIGKILL), as a crash or the kernel's OOM killer would."""
        process = self.replicas[index].process
        if process.poll() is None:
            process.kill()
            process.wait(timeout=15)

    def restart_dead(self) -> None:
        """Start again, on the same port, every replica that has exited (a supervisor's job)."""
        for index, server in enumerate(self.replicas):
            if server.alive():
                continue
            port = int(server.url.rsplit(":", 1)[1])
            self.replicas[index] = _replica(self, port)
            self.restarted.append(self.names[index])

    def stop(self) -> None:
        stop_process(self.haproxy)
        with ThreadPoolExecutor(max_workers=max(1, len(self.replicas))) as pool:
            list(pool.map(Server.stop, self.replicas))


def _replica(cluster_or_paths, port: int | None = None) -> Server:
    return start_server(
        APP,
        cluster_or_paths.workdir / "logs",
        data_dir=cluster_or_paths.data_dir,
        cache_dir=cluster_or_paths.cache_dir,
        port=port,
    )


@dataclass
class _Paths:
    workdir: Path
    data_dir: Path
    cache_dir: Path


def start_cluster(
    replicas: int,
    workdir: Path | None = None,
    data_dir: Path = DEFAULT_DATA_DIR,
    cache_dir: Path | None = None,
    port: int | None = None,
    bind_address: str = "127.0.0.1",
) -> Cluster:
    """Build the database once, start ``replicas`` app processes and HAProxy in front.

    Parameters
    ----------
    replicas : int
        How many ``streamlit run`` processes (each on a free port of 127.0.0.1).
    workdir : path, optional
        Logs and the rendered HAProxy configuration (default: a new temporary folder).
    data_dir, cache_dir : path
        The corpus, and where its compiled database is built (``EVIDENCE_CACHE``).
    port, bind_address : int, str
        Where HAProxy listens (default: a free port on 127.0.0.1).
    """
    if replicas < 1:
        raise ValueError("at least one replica")
    binary = haproxy_binary()
    if binary is None:
        raise FileNotFoundError("haproxy is not installed (Debian: apt-get install haproxy)")
    workdir = Path(workdir or tempfile.mkdtemp(prefix="explorer-serve-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cache_dir = Path(cache_dir or os.environ.get(db.CACHE_ENV) or db.DEFAULT_CACHE_DIR)
    db.compiled_database(data_dir, cache_dir)  # once, before any replica looks for it
    paths = _Paths(workdir, Path(data_dir), cache_dir)
    with ThreadPoolExecutor(max_workers=replicas) as pool:
        servers = list(pool.map(lambda _: _replica(paths), range(replicas)))
    names = [f"r{index + 1}" for index in range(replicas)]
    port = port or free_port()
    config = render_config(
        f"{bind_address}:{port}", [(n, int(s.url.rsplit(":", 1)[1])) for n, s in zip(names, servers)]
    )
    config_path = workdir / "haproxy.cfg"
    config_path.write_text(config, encoding="utf-8")
    log = open(workdir / "logs" / "haproxy.log", "w")  # noqa: SIM115 - held open while HAProxy runs
    haproxy = subprocess.Popen([binary, "-f", str(config_path), "-db"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{'127.0.0.1' if bind_address in ('0.0.0.0', '::') else bind_address}:{port}"
    cluster = Cluster(url, servers, names, haproxy, config_path, workdir, Path(data_dir), cache_dir)
    try:
        _wait_http(f"{url}/_stcore/health", 60, haproxy)
    except Exception:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501, help="where HAProxy listens")
    parser.add_argument("--bind", default="127.0.0.1", help="HAProxy's address (0.0.0.0 to serve a network)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "serve")
    parser.add_argument(
        "--print-config",
        metavar="PORT,PORT…",
        help="print deploy/haproxy.cfg for replicas already running on these ports, and exit "
        "(e.g. for /etc/haproxy/haproxy.cfg with deploy/systemd)",
    )
    args = parser.parse_args(argv)
    if args.print_config:
        ports = [int(port) for port in args.print_config.split(",") if port.strip()]
        print(
            render_config(f"{args.bind}:{args.port}", [(f"r{i + 1}", port) for i, port in enumerate(ports)])
        )
        return 0
    cluster = start_cluster(args.replicas, args.workdir, args.data, port=args.port, bind_address=args.bind)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    print(f"{args.replicas} replicas behind HAProxy: {cluster.url}", flush=True)
    for name, server in zip(cluster.names, cluster.replicas):
        print(f"  {name}: {server.url} (pid {server.pid}, log {server.log_path})", flush=True)
    print(f"  HAProxy config: {cluster.config_path}; Ctrl-C stops everything", flush=True)
    try:
        while not stop and cluster.haproxy.poll() is None:
            time.sleep(2)
            before = len(cluster.restarted)
            cluster.restart_dead()
            for name in cluster.restarted[before:]:
                print(f"  {name} had exited: restarted", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
