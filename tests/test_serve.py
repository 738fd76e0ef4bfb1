"""Serving as several replicas: the HAProxy config, the cluster, a replica killed mid-run,
and the checked-in Kubernetes manifests and systemd units.

The cluster tests start 2 real ``streamlit run`` replicas behind Debian's HAProxy and drive
them with the protocol-level load client (``bench/protocol.py``); they skip when HAProxy is
not installed (``make serve`` and ``make loadtest`` install it) unless ``CI`` is set.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bench import capacity
from bench.cluster import TEMPLATE, check_config, haproxy_binary, render_config, start_cluster
from bench.protocol import ProtocolError, Session, check_local

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def run_async(coroutine):
    """Run ``coroutine`` on an event loop of its own thread: when the browser tests ran first in
    the same pytest process, their sync Playwright keeps a loop running in this thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


needs_haproxy = pytest.mark.skipif(
    haproxy_binary() is None and not os.environ.get("CI"),
    reason="haproxy is not installed (apt-get install haproxy; make serve installs it)",
)


# --- the load balancer's configuration ----------------------------------------------------------------


def test_config_template_names_what_the_replicas_need():
    text = render_config("127.0.0.1:8501", [("r1", 8601), ("r2", 8602)])
    assert "${" not in text
    assert "    server r1 127.0.0.1:8601 check cookie r1" in text
    assert "    server r2 127.0.0.1:8602 check cookie r2" in text
    assert "cookie EXPLORER_REPLICA insert" in text  # sticky sessions
    assert "option httpchk GET /_stcore/health" in text  # health check
    assert "timeout tunnel" in text  # websockets outlive ordinary request timeouts
    assert "option redispatch" in text  # a dead replica's readers go to a live one


@needs_haproxy
def test_haproxy_accepts_the_rendered_config(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(render_config("127.0.0.1:8501", [("r1", 8601), ("r2", 8602)]), encoding="utf-8")
    checked = check_config(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout + checked.stderr


@needs_haproxy
def test_haproxy_check_rejects_a_broken_config(tmp_path):
    # The validation above can fail: a misspelt keyword is refused.
    broken = TEMPLATE.read_text(encoding="utf-8").replace("timeout tunnel", "timeout tunel")
    path = tmp_path / "haproxy.cfg"
    path.write_text(broken.replace("${bind}", "127.0.0.1:8501").replace("${servers}", ""), encoding="utf-8")
    assert check_config(path).returncode != 0


def test_the_load_client_refuses_other_hosts():
    for url in ("http://example.org", "http://10.0.0.1:8501", "https://127.0.0.1:8501", "ws://localhost"):
        with pytest.raises(ValueError, match="127.0.0.1"):
            check_local(url)
    assert check_local("http://127.0.0.1:8501") == ("127.0.0.1", 8501)
    assert check_local("http://localhost:9000") == ("localhost", 9000)


def test_the_capacity_run_is_bounded():
    with pytest.raises(ValueError, match="at most"):
        capacity.run(capacity.Options(levels=(capacity.MAX_SESSIONS + 1,)))


# --- two replicas behind HAProxy --------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("serve")
    if haproxy_binary() is None:
        pytest.skip("haproxy is not installed")
    started = start_cluster(2, workdir, cache_dir=workdir / "cache")
    yield started
    started.stop()


async def _open_sessions(url: str, queries: list[str]) -> list[Session]:
    sessions = []
    for query in queries:
        session = Session(url, timeout_s=60)
        await session.open("trials", query)
        sessions.append(session)
    return sessions


QUERIES = ["lang=en", "lang=zh-Hans&cancer=hcc", "lang=zh-Hant&q=肝癌", "lang=en&cancer=nsclc-alk"]


@needs_haproxy
def test_sessions_spread_across_replicas_and_stay_there(cluster):
    async def scenario():
        sessions = await _open_sessions(cluster.url, QUERIES)
        try:
            placed = [s.cookies.get("EXPLORER_REPLICA") for s in sessions]
            # every session keeps its replica for its next steps (the cookie routes them)
            for session in sessions:
                await session.navigate("forest")
                await session.set_widget("forest__endpoint", [session.options("forest__endpoint")[0]])
            after = [s.cookies.get("EXPLORER_REPLICA") for s in sessions]
            return placed, after, [s.exceptions for s in sessions], [s.path for s in sessions]
        finally:
            for session in sessions:
                await session.close()

    placed, after, exceptions, paths = run_async(scenario())
    assert set(placed) == {"r1", "r2"}, placed
    assert after == placed
    assert exceptions == [[]] * len(QUERIES)
    assert paths == ["forest"] * len(QUERIES)


@needs_haproxy
def test_the_warm_up_builds_the_views_on_every_replica(cluster):
    views = [("trials", "lang=en"), ("forest", "lang=zh-Hans")]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        opened = pool.submit(capacity._warm, cluster.url, views, ("r1", "r2")).result()
    # each replica opened both views itself, and the forest once more for each endpoint
    assert set(opened) == {"r1", "r2"} and opened["r1"] == opened["r2"] > len(views), opened


@needs_haproxy
def test_an_opened_row_goes_to_its_trial_in_the_readers_language(cluster):
    """The click as a browser sends it (the opener's ``open`` event): the page goes to the
    trial from the click's callback (tests/test_pages.py checks it draws nothing first)."""

    async def scenario(trial_id: str):
        session = Session(cluster.url, timeout_s=60)
        try:
            await session.open("trials", "lang=zh-Hans&cancer=nsclc-alk")
            # from here on, what the click's run sends (the opener kept: the click is its event)
            session.widgets = {"trials_open_row": session.widgets["trials_open_row"]}
            await session.open_row("trials_open_row", trial_id)
            return session.path, session.query, sorted(session.widgets), session.exceptions
        finally:
            await session.close()

    path, query, _widgets, exceptions = run_async(scenario("alex"))
    assert (path, exceptions) == ("trial", [])
    assert "trial=alex" in query and "lang=zh-Hans" in query
    # a trial the database does not have was never a row: the trials page, drawn as before
    path, query, widgets, exceptions = run_async(scenario("no-such-trial"))
    assert (path, exceptions) == ("trials", []) and "trials__cancer" in widgets, widgets


@needs_haproxy
def test_killed_replica_sessions_reconnect_and_reopen_their_view(cluster):
    async def scenario():
        sessions = await _open_sessions(cluster.url, QUERIES)
        # each reader moves on: one to a trial, one to the forest plot with an endpoint…
        await sessions[0].open_row("trials_open_row", "alex")
        await sessions[1].navigate("forest")
        await sessions[1].set_widget("forest__endpoint", [sessions[1].options("forest__endpoint")[1]])
        await sessions[2].navigate("survival")
        views = [(s.path, s.query) for s in sessions]
        placed = [s.cookies["EXPLORER_REPLICA"] for s in sessions]
        victim = placed[0]
        cluster.kill(cluster.replica_for_cookie(victim))
        errors, reconnected = [], []
        for session in sessions:  # the next step of every reader
            try:
                await session.set_widget("lang", session.options("lang")[2])
            except ProtocolError as exc:
                if exc.kind != "disconnect":
                    errors.append(exc)
                    continue
                path, query = session.path, session.query
                await session.reconnect()
                reconnected.append(
                    (path, query, session.path, session.query, session.cookies["EXPLORER_REPLICA"])
                )
                await session.set_widget("lang", session.options("lang")[2])  # and it goes on working
        result = (
            placed,
            views,
            errors,
            reconnected,
            [s.exceptions for s in sessions],
            [s.query for s in sessions],
        )
        for session in sessions:
            await session.close()
        return victim, result

    victim, (placed, views, errors, reconnected, exceptions, queries) = run_async(scenario())
    try:
        assert errors == []  # nothing but the dropped websockets
        assert exceptions == [[]] * len(QUERIES)
        on_victim = [view for view, replica in zip(views, placed) if replica == victim]
        assert len(reconnected) == len(on_victim) >= 1
        for before_path, before_query, path, query, replica in reconnected:
            assert (path, query) == (before_path, before_query)  # the same view, from the address
            assert replica != victim
        assert all("lang=zh-Hant" in query for query in queries)
    finally:
        cluster.restart_dead()  # later tests get both replicas again
    assert all(server.alive() for server in cluster.replicas)


# --- the Kubernetes manifests and systemd units ------------------------------------------------------


def _manifests() -> list[Path]:
    return sorted((DEPLOY / "k8s").glob("*.yaml"))


def test_manifests_pass_yamllint():
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(
        "extends: default\nrules:\n  line-length: {max: 110}\n  document-start: disable\n"
    )
    problems = [
        f"{path.name}:{problem.line}: {problem.message}"
        for path in _manifests()
        for problem in linter.run(path.read_text(encoding="utf-8"), config)
    ]
    assert _manifests() and problems == []


def test_yamllint_finds_a_broken_manifest():
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig("extends: default")
    assert list(linter.run("a: 1\na: 2\n  b: [\n", config))


def test_manifests_validate_against_the_kubernetes_schema():
    import kubernetes_validate
    import yaml

    kinds = set()
    for path in _manifests():
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            kubernetes_validate.validate(document, "1.37.0", strict=True)
            kinds.add(document["kind"])
    assert {"Deployment", "Service", "Ingress"} <= kinds


def test_manifests_have_the_production_shape():
    import yaml

    docs = {d["kind"]: d for p in _manifests() for d in yaml.safe_load_all(p.read_text(encoding="utf-8"))}
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert docs["Deployment"]["spec"]["replicas"] >= 2
    assert docs["Service"]["spec"]["sessionAffinity"] == "ClientIP"
    annotations = docs["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets


def test_schema_check_rejects_a_wrong_manifest():
    import kubernetes_validate

    wrong = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"sessionAffinity": "ClientIP", "ports": [{"port": "eighty"}]},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong, "1.37.0", strict=True)


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def _verify(units: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )


def _installed_units(tmp_path: Path) -> list[Path]:
    """The units as installed, with /opt/explorer pointing at this checkout (whose
    .venv/bin/python exists, which ``verify`` checks) and one instance of the template."""
    out = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text(encoding="utf-8").replace("/opt/explorer", str(ROOT))
        name = unit.name.replace("@.service", "@8601.service")
        (tmp_path / name).write_text(text, encoding="utf-8")
        out.append(tmp_path / name)
    return out


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_units_verify(tmp_path):
    units = _installed_units(tmp_path)
    assert {u.name for u in units} >= {"explorer-build.service", "explorer@8601.service", "explorer.target"}
    checked = _verify(units)
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr
    assert checked.stdout.strip() == "", checked.stdout


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_verify_reports_a_broken_unit(tmp_path):
    units = _installed_units(tmp_path)
    replica = next(u for u in units if u.name.startswith("explorer@"))
    replica.write_text(
        replica.read_text(encoding="utf-8").replace("Type=simple", "Type=simplex"), encoding="utf-8"
    )
    assert "simplex" in _verify([replica]).stderr
