"""Driving a server with wrk and reading what it measured."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "cycle.lua"


@dataclass
class LoadResult:
    """One wrk run: throughput, latency (ms) and every failure, by kind."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    @property
    def non_2xx(self) -> int:
        return sum(count for code, count in self.statuses.items() if not code.startswith("2"))

    @property
    def failures(self) -> int:
        """Every response that is not a 2xx, plus connections that failed or timed out."""
        return self.non_2xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict:
        return asdict(self) | {"failures": self.failures, "non_2xx": self.non_2xx}


def parse_wrk_output(stdout: str) -> LoadResult:
    """The BENCH_JSON line that cycle.lua's done() prints, as a LoadResult."""
    match = re.search(r"^BENCH_JSON (.*)$", stdout, re.MULTILINE)
    if not match:
        raise ValueError(f"wrk printed no BENCH_JSON line:\n{stdout[-2000:]}")
    # LuaJIT prints NaN/inf as nan/-nan/inf when nothing was measured.
    text = re.sub(r"(?<=[:,])\s*-?(nan|inf)\b", "null", match[1])
    raw = json.loads(text)
    seconds = raw["duration_us"] / 1e6
    percentiles = raw.get("percentiles_us") or {}

    def ms(value: float | None) -> float | None:
        return None if value is None or not raw["requests"] else value / 1000

    return LoadResult(
        requests=int(raw["requests"]),
        seconds=seconds,
        rps=raw["requests"] / seconds if seconds else 0.0,
        p50_ms=ms(percentiles.get("50")),
        p90_ms=ms(percentiles.get("90")),
        p99_ms=ms(percentiles.get("99")),
        max_ms=ms(raw.get("latency_max_us")),
        statuses={str(code): int(count) for code, count in (raw.get("statuses") or {}).items()},
        socket_errors={
            name: int(raw.get(key) or 0)
            for name, key in (
                ("connect", "connect_errors"),
                ("read", "read_errors"),
                ("write", "write_errors"),
                ("timeout", "timeouts"),
            )
            if raw.get(key)
        },
        bytes=int(raw.get("bytes") or 0),
    )


def write_paths(path: Path, paths: list[str]) -> Path:
    for line in paths:
        if "\n" in line or not line.startswith("/"):
            raise ValueError(f"not a request path: {line!r}")
    path.write_text("\n".join(paths) + "\n", encoding="utf-8")
    return path


def run_wrk(
    base_url: str,
    paths_file: Path,
    *,
    duration: float,
    connections: int = 10,
    threads: int = 2,
    timeout: float = 10.0,
) -> LoadResult:
    """wrk against ``base_url`` for ``duration`` seconds, cycling through ``paths_file``."""
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        "-s",
        str(LUA),
        base_url,
        "--",
        str(paths_file),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + timeout + 60, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"wrk failed ({completed.returncode}): {completed.stderr[-2000:]}{completed.stdout}"
        )
    return parse_wrk_output(completed.stdout)
