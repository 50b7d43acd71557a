"""Starting the servers on free ports, waiting for them, and always stopping them."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# Datasette and sqlite-utils live in their own environment (make bench: uv sync
# --only-group bench into bench/.venv), which a `uv sync` of the project's .venv cannot prune.
BENCH_BIN = ROOT / "bench" / ".venv" / "bin"


def free_port() -> int:
    """A port nobody listens on now (the kernel's choice; bound again at once by the server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Servers:
    """Every process the benchmark starts, each in its own session, stopped on exit.

    Use as a context manager; SIGTERM and SIGINT become exceptions so that the
    ``finally`` runs and no server outlives the run.
    """

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Servers:
        self._previous = {
            sig: signal.signal(sig, self._raise) for sig in (signal.SIGTERM, signal.SIGHUP)
        }
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    @staticmethod
    def _raise(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        process.bench_name = name  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen, grace: float = 10.0) -> None:
        """SIGTERM to the process's group (gunicorn's workers too), then SIGKILL."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=grace)
        # Workers left behind by a master that died first.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process in self.processes:
            self.processes.remove(process)

    def stop_all(self) -> None:
        for process in list(reversed(self.processes)):
            self.stop(process)


def wait_ready(process: subprocess.Popen, url: str, timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{getattr(process, 'bench_name', 'server')} exited with {process.returncode} "
                f"before answering {url}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
                last = str(response.status)
        except (urllib.error.URLError, OSError) as error:
            last = str(error)
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer 200 within {timeout:.0f} s (last: {last})")


def app_env(database_url: str, cache_url: str) -> dict[str, str]:
    """Production settings, served over plain HTTP on localhost, throttling off."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_THROTTLE_ANON": "none",
        "API_THROTTLE_USER": "none",
        "DATABASE_CONN_MAX_AGE": "600",
        "CACHE_URL": cache_url,
    }


def gunicorn_command(
    port: int, *, workers: int, worker_class: str, threads: int, timeout: int = 120
) -> list[str]:
    command = [
        str(VENV_BIN / "gunicorn"),
        "gcm_review.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "5",
        "--backlog",
        "256",
        # Several gunicorns run side by side (and other people's): no shared control socket.
        "--no-control-socket",
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    return command


def datasette_command(database: Path, port: int, time_limit_ms: int) -> list[str]:
    return [
        str(BENCH_BIN / "datasette"),
        "serve",
        # Immutable: read-only publishing, Datasette's fast path (no change detection).
        "-i",
        str(database),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        str(time_limit_ms),
    ]


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn master's children (its workers), from /proc."""
    children: list[int] = []
    task_dir = Path(f"/proc/{master_pid}/task")
    for task in task_dir.glob("*/children") if task_dir.exists() else []:
        children += [int(pid) for pid in task.read_text().split()]
    return children
