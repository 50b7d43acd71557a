"""The datasets: one PostgreSQL database and one SQLite file per size, the same rows in both.

Both are made by ``manage.py generate_synthetic`` with the same seed (deterministic), and
kept between runs: a database whose recommendation count is the size asked for, and whose
first rows match the other copy's, is reused (after ``migrate``, so new indexes apply).
Datasette's copy gets an FTS5 index on the recommendation text (porter stemming, as
PostgreSQL's english configuration stems).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.servers import BENCH_BIN, ROOT, VENV_BIN, app_env
from bench.workload import Catalog, Record, pick_words, sql_for, to_pyformat

DATA_DIR = Path(__file__).resolve().parent / "data"
FTS_TABLE = "recommendations_recommendation_fts"


def label(size: int) -> str:
    """2000 -> 2k, 200000 -> 200k."""
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


@dataclass(frozen=True)
class Dataset:
    size: int
    seed: int
    pg_base: str  # postgres://user:password@host:port

    @property
    def name(self) -> str:
        return f"gcm_bench_{label(self.size)}"

    @property
    def pg_url(self) -> str:
        return f"{self.pg_base}/{self.name}"

    @property
    def sqlite_path(self) -> Path:
        return DATA_DIR / f"{self.name}.sqlite3"

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.sqlite_path}"


def _manage(database_url: str, *args: str, timeout: float, log: Path) -> None:
    """``manage.py`` with the benchmark's environment; its output goes to ``log``."""
    env = app_env(database_url, cache_url="")
    started = time.monotonic()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ manage.py {' '.join(args)}  ({database_url})\n")
        out.flush()
        completed = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: see {log}")
    if time.monotonic() - started > 30:
        print(f"    manage.py {args[0]}: {time.monotonic() - started:.0f} s", flush=True)


def _ensure_pg_database(dataset: Dataset) -> None:
    with psycopg.connect(f"{dataset.pg_base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [dataset.name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{dataset.name}"')


def _fresh_pg_database(dataset: Dataset, log: Path) -> None:
    """An empty, migrated database in place of the one there: generate_synthetic --force
    would delete the old rows one by one (each deletion goes to the history), about an
    hour at 200,000; dropping the database takes a second."""
    with psycopg.connect(f"{dataset.pg_base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{dataset.name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{dataset.name}"')
    _manage(dataset.pg_url, "migrate", "--noinput", timeout=3600, log=log)


def _pg_count(dataset: Dataset) -> int:
    with psycopg.connect(dataset.pg_url) as connection:
        return connection.execute("SELECT count(*) FROM recommendations_recommendation").fetchone()[
            0
        ]


@contextlib.contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode, closed on exit (sqlite3's own ``with`` does not)."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_count(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        with _sqlite(path) as connection:
            return connection.execute(
                "SELECT count(*) FROM recommendations_recommendation"
            ).fetchone()[0]
    except sqlite3.Error:
        return None


# The overall status too: it follows from the follow-up updates, which the rows alone
# do not show.
_FINGERPRINT_SQL = (
    "SELECT public_id, text, covid_related, publication_state, overall_status, "
    "overall_status_as_of FROM recommendations_recommendation ORDER BY public_id LIMIT 200"
)


def _fingerprint(rows: list[tuple]) -> str:
    digest = hashlib.sha256()
    for public_id, text, covid, state, status, as_of in rows:
        fields = [public_id, text, bool(covid), state, status, as_of or ""]
        digest.update(("\x1f".join(str(field) for field in fields) + "\x1e").encode())
    return digest.hexdigest()


def pg_fingerprint(dataset: Dataset) -> str:
    with psycopg.connect(dataset.pg_url) as connection:
        return _fingerprint(connection.execute(_FINGERPRINT_SQL).fetchall())


def sqlite_fingerprint(path: Path) -> str:
    with _sqlite(path) as connection:
        return _fingerprint(connection.execute(_FINGERPRINT_SQL).fetchall())


def _generate(dataset: Dataset, database_url: str, log: Path) -> None:
    print(
        f"    generating {dataset.size:,} recommendations (seed {dataset.seed}) into "
        f"{database_url.rsplit('@', 1)[-1]} (log: {log})",
        flush=True,
    )
    _manage(
        database_url,
        "generate_synthetic",
        "--recommendations",
        str(dataset.size),
        "--seed",
        str(dataset.seed),
        "--force",
        timeout=4 * 3600,
        log=log,
    )


def _has_fts(path: Path) -> bool:
    with _sqlite(path) as connection:
        return bool(
            connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [FTS_TABLE]).fetchone()
        )


def _prepare_sqlite(path: Path, log: Path) -> None:
    """Full-text search for Datasette, a plain journal (immutable serving) and statistics."""
    if not _has_fts(path):
        with log.open("a", encoding="utf-8") as out:
            subprocess.run(
                [
                    str(BENCH_BIN / "sqlite-utils"),
                    "enable-fts",
                    str(path),
                    "recommendations_recommendation",
                    "text",
                    "--fts5",
                    "--tokenize",
                    "porter",
                    "--replace",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=3600,
                check=True,
            )
    with _sqlite(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("ANALYZE")


def build(dataset: Dataset, *, log: Path) -> dict[str, object]:
    """Make both copies of ``dataset`` exist, migrated and identical; reuse what is there."""
    log.parent.mkdir(parents=True, exist_ok=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    made: dict[str, object] = {"postgresql": "reused", "sqlite": "reused"}
    started = time.monotonic()

    _ensure_pg_database(dataset)
    _manage(dataset.pg_url, "migrate", "--noinput", timeout=3600, log=log)
    present = _pg_count(dataset)
    if present != dataset.size:
        if present:
            _fresh_pg_database(dataset, log)
        _generate(dataset, dataset.pg_url, log)
        made["postgresql"] = "built"

    path = dataset.sqlite_path
    count = _sqlite_count(path)
    if count is not None:
        _manage(dataset.sqlite_url, "migrate", "--noinput", timeout=3600, log=log)
    if count != dataset.size or sqlite_fingerprint(path) != pg_fingerprint(dataset):
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        _manage(dataset.sqlite_url, "migrate", "--noinput", timeout=3600, log=log)
        _generate(dataset, dataset.sqlite_url, log)
        made["sqlite"] = "built"
    if sqlite_fingerprint(path) != pg_fingerprint(dataset):
        # PostgreSQL holds the right number of rows but not these (another seed, or an
        # earlier version of the generator): remake it.
        _fresh_pg_database(dataset, log)
        _generate(dataset, dataset.pg_url, log)
        made["postgresql"] = "built"
        if sqlite_fingerprint(path) != pg_fingerprint(dataset):
            raise RuntimeError("the PostgreSQL and SQLite copies differ after generating both")
    _prepare_sqlite(path, log)
    with psycopg.connect(dataset.pg_url, autocommit=True) as connection:
        connection.execute("ANALYZE")
    made["seconds"] = round(time.monotonic() - started, 1)
    return made


def check_present(dataset: Dataset) -> None:
    """For --skip-build: both copies must be there, at the right size."""
    if _pg_count(dataset) != dataset.size:
        raise SystemExit(f"{dataset.name} on PostgreSQL is not {dataset.size:,} recommendations")
    if _sqlite_count(dataset.sqlite_path) != dataset.size or not _has_fts(dataset.sqlite_path):
        raise SystemExit(f"{dataset.sqlite_path} is missing, the wrong size or without FTS")


def catalog(dataset: Dataset) -> Catalog:
    """The values the requests cycle through, read from the PostgreSQL copy."""
    count_sql = to_pyformat(sql_for("deep_page", "postgresql").count or "")
    sample = """
        SELECT r.public_id, d.slug, r.text
        FROM recommendations_recommendation r
        JOIN consultations_sourcedocument d ON d.id = r.source_document_id
        WHERE r.visible
        ORDER BY md5(r.public_id) LIMIT 3000"""
    with psycopg.connect(dataset.pg_url) as connection:
        visible = connection.execute(count_sql).fetchone()[0]
        rows = connection.execute(sample).fetchall()
    return Catalog(
        visible=visible,
        records=[Record(public_id, slug) for public_id, slug, _text in rows[:400]],
        words=pick_words(text for _id, _slug, text in rows),
    )
