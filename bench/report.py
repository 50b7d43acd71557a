"""The printed tables, ratios first, and the targets of issue 7 checked one by one."""

from __future__ import annotations

from dataclasses import dataclass

from bench.workload import BY_NAME, REQUEST_TYPES

RPS_TARGET = 1.0
FLOOR_LIMIT = 4.0
EXPORT_LIMIT_MB = 100.0


def _fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}{suffix}"
    return f"{value:.{digits}f}{suffix}"


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def _failures(load: dict | None) -> str:
    if not load:
        return "-"
    if not load["failures"]:
        return "0"
    detail = {
        code: count for code, count in load["statuses"].items() if not code.startswith("2")
    } | load["socket_errors"]
    return f"{load['failures']} {detail}"


CONFIGURATIONS = {
    "ours": "as in production: counts and facets kept under the data version (Redis)",
    "ours_uncached": "nothing kept: DATA_CACHE_SECONDS=0, every request counts and facets",
}


def comparison_table(size: int, result: dict, ours: str = "ours") -> str:
    """One line per request type: the ratios, then ours, Datasette and the floor."""
    lines = [
        f"{size:,} recommendations ({result['catalog']['visible']:,} visible); ours"
        f" {CONFIGURATIONS[ours]}",
        f"{'request type':<30} {'rps ours/DS':>11} {'p50 ours/DS':>11} {'ours/floor':>10} |"
        f" {'ours rps':>8} {'p50 ms':>7} {'p99 ms':>7} {'fail':>5} |"
        f" {'DS rps':>7} {'p50 ms':>7} {'p99 ms':>7} {'fail':>5} |"
        f" {'alone ms':>8} {'floor ms':>8}",
    ]
    system = ours
    for kind, row in result["types"].items():
        ours, theirs, floor = row.get(system), row.get("datasette"), row.get("floor") or {}
        rps_ratio = _ratio(ours and ours["rps"], theirs and theirs["rps"])
        p50_ratio = _ratio(ours and ours["p50_ms"], theirs and theirs["p50_ms"])
        alone = row.get(f"{system}_alone") or {}
        floor_ratio = _ratio(alone.get("p50_ms"), floor.get("p50_ms"))
        lines.append(
            f"{BY_NAME[kind].label:<30} {_fmt(rps_ratio, 2):>11} {_fmt(p50_ratio, 2):>11}"
            f" {_fmt(floor_ratio, 1):>10} |"
            f" {_fmt(ours and ours['rps']):>8} {_fmt(ours and ours['p50_ms']):>7}"
            f" {_fmt(ours and ours['p99_ms']):>7} {_failures(ours):>5} |"
            f" {_fmt(theirs and theirs['rps']):>7} {_fmt(theirs and theirs['p50_ms']):>7}"
            f" {_fmt(theirs and theirs['p99_ms']):>7} {_failures(theirs):>5} |"
            f" {_fmt(alone.get('p50_ms')):>8} {_fmt(floor.get('p50_ms'), 2):>8}"
        )
    return "\n".join(lines)


def growth_table(small: int, large: int, sizes: dict) -> str:
    """How p50 grows from the smallest size to the largest, ours and Datasette's."""
    lines = [
        f"p50 growth {large:,} / {small:,} recommendations: one connection (the request's own"
        " cost, what the target reads) and under load (10 connections, with queueing)",
        f"{'request type':<30} {'alone':>7} {'limit':>6} {'loaded':>7} {'Datasette':>9} |"
        f" {'alone small':>11} {'alone large':>11}",
    ]
    for request_type in REQUEST_TYPES:
        kind = request_type.name
        a = sizes[str(small)]["types"].get(kind)
        b = sizes[str(large)]["types"].get(kind)
        if not a or not b:
            continue
        alone = _ratio(_alone(b), _alone(a))
        loaded = _ratio(b["ours"]["p50_ms"], a["ours"]["p50_ms"])
        theirs = _ratio(
            (b.get("datasette") or {}).get("p50_ms"), (a.get("datasette") or {}).get("p50_ms")
        )
        limit = f"{request_type.growth_limit:g}x" if request_type.growth_limit else "-"
        lines.append(
            f"{request_type.label:<30} {_fmt(alone, 2):>6}x {limit:>6} {_fmt(loaded, 2):>6}x"
            f" {_fmt(theirs, 2):>8}x | {_fmt(_alone(a)):>8} ms {_fmt(_alone(b)):>8} ms"
        )
    return "\n".join(lines)


def _alone(row: dict) -> float | None:
    return (row.get("ours_alone") or {}).get("p50_ms")


def profile_table(size: int, result: dict) -> str:
    """One request of each type through Django's test client: queries and SQL time."""
    lines = [
        f"Where one request's time goes, {size:,} recommendations (no load; Django test client)",
        f"{'request type':<30} {'status':>6} {'total ms':>8} {'queries':>7} {'SQL ms':>7}"
        f" {'slowest query ms':>16}  example",
    ]
    for kind, row in result["types"].items():
        profile = row.get("profile") or {}
        if "error" in profile or not profile:
            lines.append(f"{BY_NAME[kind].label:<30} profile failed: {profile.get('error', '')}")
            continue
        slowest = profile["slowest"][0]["ms"] if profile.get("slowest") else None
        lines.append(
            f"{BY_NAME[kind].label:<30} {profile['status']:>6} {_fmt(profile['ms']):>8}"
            f" {profile['queries']:>7} {_fmt(profile['sql_ms']):>7} {_fmt(slowest):>16}"
            f"  {profile['path']}"
        )
    return "\n".join(lines)


def export_table(size: int, exports: list[dict]) -> str:
    lines = [
        f"Peak memory growth of a full export, {size:,} recommendations (one gunicorn worker)",
        f"{'export':<12} {'growth MB':>9} {'peak MB':>8} {'rows':>8} {'MB out':>7} {'s':>6}  path",
    ]
    for export in exports:
        if "error" in export:
            lines.append(f"{export['name']:<12} {'error':>9}  {export['path']}: {export['error']}")
            continue
        rows = "-" if export["rows"] is None else f"{export['rows']:,}"
        lines.append(
            f"{export['name']:<12} {export['growth_mb']:>9.1f} {export['peak_mb']:>8.1f}"
            f" {rows:>8} {export['bytes'] / 1e6:>7.1f} {export['seconds']:>6.1f}"
            f"  {export['path']} ({export['status']})"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Verdict:
    passed: bool | None  # None: not measured in this run
    text: str

    def line(self) -> str:
        mark = {True: "PASS", False: "FAIL", None: "n/a "}[self.passed]
        return f"{mark}  {self.text}"


def targets(sizes: dict, exports: list[dict] | None) -> list[Verdict]:
    """The targets of issue 7, at the largest size measured (growth: largest / smallest)."""
    measured = sorted(int(size) for size in sizes)
    large = sizes[str(measured[-1])]
    verdicts: list[Verdict] = []
    for system, named in (("ours", ""), ("ours_uncached", ", nothing kept")):
        for request_type in REQUEST_TYPES:
            row = large["types"].get(request_type.name)
            if not request_type.rps_target or not row or system not in row:
                continue
            ratio = _ratio(row[system]["rps"], (row.get("datasette") or {}).get("rps"))
            failures = row[system]["failures"]
            passed = ratio is not None and ratio >= RPS_TARGET and failures == 0
            verdicts.append(
                Verdict(
                    passed,
                    f"{request_type.label}{named}: rps ours/Datasette {_fmt(ratio, 2)}"
                    f" (>= {RPS_TARGET:g}), {failures} failures under load",
                )
            )
    failing = [
        f"{BY_NAME[kind].label} ({row[system]['failures']})"
        for size in measured
        for kind, row in sizes[str(size)]["types"].items()
        for system in ("ours", "ours_uncached")
        if system in row and row[system]["failures"]
    ]
    verdicts.append(
        Verdict(
            not failing,
            "no failure under load on any request type of ours"
            + (f": failures in {', '.join(failing)}" if failing else ""),
        )
    )
    for request_type in REQUEST_TYPES:
        if not request_type.growth_limit:
            continue
        if len(measured) < 2:
            verdicts.append(Verdict(None, f"{request_type.label}: growth needs two sizes"))
            continue
        a = sizes[str(measured[0])]["types"].get(request_type.name)
        b = large["types"].get(request_type.name)
        if not a or not b:
            continue
        growth = _ratio(_alone(b), _alone(a))
        loaded = _ratio(b["ours"]["p50_ms"], a["ours"]["p50_ms"])
        text = (
            f"{request_type.label}: p50 {measured[-1]:,}/{measured[0]:,} = {_fmt(growth, 2)}x"
            f" one connection (<= {request_type.growth_limit:g}x); under load {_fmt(loaded, 2)}x"
        )
        if _alone(b) is None:
            text += f"; no request completed at {measured[-1]:,}"
        verdicts.append(Verdict(growth is not None and growth <= request_type.growth_limit, text))
    for system, named in (("ours", ""), ("ours_uncached", ", nothing kept")):
        for request_type in REQUEST_TYPES:
            row = large["types"].get(request_type.name)
            if not request_type.floor_target or not row or system not in row:
                continue
            floor = (row.get("floor") or {}).get("p50_ms")
            alone = (row.get(f"{system}_alone") or {}).get("p50_ms")
            ratio = _ratio(alone, floor)
            loaded = _ratio(row[system]["p50_ms"], floor)
            verdicts.append(
                Verdict(
                    ratio is not None and ratio <= FLOOR_LIMIT,
                    f"{request_type.label}{named}: p50 {_fmt(alone)} ms (one connection) is"
                    f" {_fmt(ratio, 1)}x the bare SQL's {_fmt(floor, 2)} ms (<= {FLOOR_LIMIT:g}x);"
                    f" under load {_fmt(row[system]['p50_ms'])} ms, {_fmt(loaded, 1)}x",
                )
            )
    if exports is None:
        verdicts.append(Verdict(None, "export memory: not measured (--no-memory)"))
    else:
        for export in exports:
            if not export.get("target"):
                continue
            if "error" in export:
                verdicts.append(Verdict(False, f"{export['name']} export: {export['error']}"))
                continue
            ok = export["status"] == 200 and export["growth_mb"] < EXPORT_LIMIT_MB
            verdicts.append(
                Verdict(
                    ok,
                    f"{export['name']} export of {export['rows']:,} rows: peak growth"
                    f" {export['growth_mb']:.1f} MB (< {EXPORT_LIMIT_MB:g} MB)",
                )
            )
    return verdicts
