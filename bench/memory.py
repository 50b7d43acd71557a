"""Peak memory of a full export: one gunicorn worker, its resident set sampled.

Each export gets a fresh single-worker server. After a warm-up (a small page and an
empty export, so that code and caches are loaded), the worker's peak resident set is
reset (``/proc/PID/clear_refs``) and the whole export is streamed and discarded; the
growth is the peak (kernel high-water mark, and our own 20 ms samples) minus the
resident set before.
"""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.request
from pathlib import Path

from bench.servers import Servers, free_port, gunicorn_command, wait_ready, worker_pids

# name, path, whether the 100 MB target applies (XLSX: reported apart), lines that are not
# rows (CSV: the header; JSON: the opening line and the closing one), None: not counted.
EXPORTS = [
    ("site CSV", "/recommendations/export.csv", True, 1),
    ("site JSON", "/recommendations/export.json", True, 2),
    ("API CSV", "/api/v1/recommendations/?format=csv", True, 1),
    ("site XLSX", "/recommendations/export.xlsx", False, None),
]
# An export of nothing: loads the export's code without its rows.
EMPTY = "updated_since=2999-01-01T00:00:00Z"


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _fetch(url: str, timeout: float) -> tuple[int, int, int]:
    """Status, bytes and lines of a response read to its end in 1 MB chunks."""
    size = lines = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        while chunk := response.read(1 << 20):
            size += len(chunk)
            lines += chunk.count(b"\n")
        return response.status, size, lines


def measure_export(
    servers: Servers,
    env: dict[str, str],
    name: str,
    path: str,
    extra_lines: int | None,
    *,
    timeout: float = 1800,
) -> dict[str, object]:
    port = free_port()
    process = servers.start(
        f"export-{name.replace(' ', '-').lower()}",
        gunicorn_command(
            port, workers=1, worker_class="sync", threads=1, timeout=int(timeout) + 60
        ),
        env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, f"{base}/readyz")
        workers = worker_pids(process.pid)
        if len(workers) != 1:
            raise RuntimeError(f"expected one gunicorn worker, found {workers}")
        pid = workers[0]
        _fetch(f"{base}/api/v1/recommendations/?page_size=5", 60)
        separator = "&" if "?" in path else "?"
        _fetch(f"{base}{path}{separator}{EMPTY}", 120)
        time.sleep(0.5)
        baseline = _status_kb(pid, "VmRSS")
        reset = _reset_peak(pid)
        peak_before = _status_kb(pid, "VmHWM")
        sampled = [baseline]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                with contextlib.suppress(OSError, KeyError):
                    sampled.append(_status_kb(pid, "VmRSS"))
                stop.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        try:
            status, size, lines = _fetch(base + path, timeout)
        finally:
            stop.set()
            sampler.join()
        seconds = time.monotonic() - started
        hwm = _status_kb(pid, "VmHWM")
        # Without a reset, the high-water mark may predate the export: trust the samples.
        peak = max(max(sampled), hwm if reset or hwm > peak_before else 0)
        return {
            "path": path,
            "status": status,
            "bytes": size,
            "rows": None if extra_lines is None else lines - extra_lines,
            "seconds": round(seconds, 1),
            "baseline_mb": round(baseline / 1024, 1),
            "peak_mb": round(peak / 1024, 1),
            "growth_mb": round((peak - baseline) / 1024, 1),
            "peak_reset": reset,
        }
    except Exception as error:  # reported, not fatal: the load figures still stand
        return {"path": path, "error": f"{type(error).__name__}: {error}"}
    finally:
        servers.stop(process)
