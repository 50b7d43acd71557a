#!/usr/bin/env python3
"""Back up and restore the application's database, PostgreSQL or SQLite.

    .venv/bin/python scripts/backup.py backup gcm.backup
    .venv/bin/python scripts/backup.py restore gcm.backup

The database is the one DATABASE_URL names, read as gcm_review/settings.py reads it
(unset: db.sqlite3 in the project folder).

- PostgreSQL: ``pg_dump --format=custom``, restored with ``pg_restore --clean --if-exists
  --no-owner --single-transaction``: every table is replaced, or, on any error, nothing is.
  The client tools (postgresql-client) must be of the server's major version or newer.
- SQLite: the online backup API of sqlite3, which copies a consistent snapshot while the
  application keeps writing. ``cp`` is not a backup here: the database runs in WAL mode, so
  recent writes may sit in db.sqlite3-wal, and a copy taken during a write can be torn.

A backup is written beside its destination and renamed into place when complete, so a
failed backup never leaves a truncated file under the name given.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"

# A SQLite database: an open connection (the test suite's in-memory database) or a file.
SqliteDatabase = sqlite3.Connection | str | os.PathLike[str]


class BackupError(Exception):
    """A backup or restore that did not happen, with what to do about it."""


def database_settings(url: str | None = None) -> dict[str, Any]:
    """The database settings for ``url``, else DATABASE_URL, as the settings module reads it."""
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'db.sqlite3'}"
    try:
        database = dj_database_url.parse(url)
    except ValueError as error:
        raise BackupError(f"DATABASE_URL is not understood ({error}).") from None
    if database["ENGINE"] not in (POSTGRESQL, SQLITE):
        raise BackupError(f"{database['ENGINE']} databases are not supported.")
    return database


@contextmanager
def _sqlite(database: SqliteDatabase) -> Iterator[sqlite3.Connection]:
    """A connection to ``database``; closed afterwards only if opened here."""
    if isinstance(database, sqlite3.Connection):
        yield database
        return
    connection = sqlite3.connect(database, timeout=20)
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def _written_atomically(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, renamed to ``out`` once the block succeeds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def sqlite_backup(source: SqliteDatabase, out: Path) -> None:
    """Copies ``source`` into the file ``out`` (replaced if it exists), consistently."""
    with _written_atomically(Path(out)) as partial, _sqlite(source) as connection:
        copy = sqlite3.connect(partial)
        try:
            # All pages in one step (pages=-1, the default): the copy is one snapshot, taken
            # under a read lock that does not stop the application's writes in WAL mode.
            connection.backup(copy)
            # One self-contained file: no -wal file beside the backup.
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_sqlite(copy, partial)
        finally:
            copy.close()


def sqlite_restore(backup_file: Path, target: SqliteDatabase) -> None:
    """Replaces the whole content of ``target`` with the backup, in one step."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"{backup_file}: no such file.")
    # Read-only: a mistaken restore must not change the backup itself.
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _check_sqlite(source, backup_file)
        with _sqlite(target) as connection:
            source.backup(connection)
    finally:
        source.close()


def _check_sqlite(connection: sqlite3.Connection, name: Path) -> None:
    try:
        (result,) = connection.execute("PRAGMA integrity_check").fetchone()
        tables = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{name} is not a SQLite database ({error}).") from None
    if result != "ok":
        raise BackupError(f"{name} is damaged: {result}")
    if not tables:
        raise BackupError(f"{name} is not a database of this application (no django_migrations).")


def _libpq_environment(database: dict[str, Any]) -> dict[str, str]:
    """The environment pg_dump and pg_restore connect with: the URL's parts, so that the
    password never appears in a process listing, and no stray PG* variable overrides them."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE"}
    }
    parts = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    environment.update({name: str(value) for name, value in parts.items() if value})
    return environment


def _run(command: list[str], database: dict[str, Any]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools "
            "(apt-get install postgresql-client), of the server's major version or newer."
        )
    result = subprocess.run(command, env=_libpq_environment(database), check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit status {result.returncode}); see above.")


def postgres_backup(database: dict[str, Any], out: Path) -> None:
    """pg_dump of the whole database, in the custom format pg_restore reads."""
    with _written_atomically(Path(out)) as partial:
        _run(["pg_dump", "--format=custom", "--file", str(partial)], database)


def postgres_restore(backup_file: Path, database: dict[str, Any]) -> None:
    """Replaces every table of the backup in ``database``, in one transaction.

    --no-owner: the tables belong to the role restoring them, whatever role owned them
    where the backup was made.
    """
    if not Path(backup_file).is_file():
        raise BackupError(f"{backup_file}: no such file.")
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run([*command, "--dbname", database["NAME"], str(backup_file)], database)


def backup(out: Path, *, url: str | None = None) -> None:
    """Backs up the database ``url`` (default: DATABASE_URL) into the file ``out``."""
    database = database_settings(url)
    if database["ENGINE"] == POSTGRESQL:
        postgres_backup(database, out)
    else:
        sqlite_backup(database["NAME"], out)


def restore(backup_file: Path, *, url: str | None = None) -> None:
    """Replaces the content of the database ``url`` (default: DATABASE_URL) with a backup."""
    database = database_settings(url)
    if database["ENGINE"] == POSTGRESQL:
        postgres_restore(backup_file, database)
    else:
        sqlite_restore(backup_file, database["NAME"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Back up or restore the database DATABASE_URL names (unset: db.sqlite3)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="write a backup to OUT").add_argument("out", type=Path)
    commands.add_parser("restore", help="replace the database with IN").add_argument(
        "backup_file", metavar="in", type=Path
    )
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "backup":
            backup(arguments.out)
            print(f"Backed up to {arguments.out}.")
        else:
            restore(arguments.backup_file)
            print(f"Restored from {arguments.backup_file}.")
    except (BackupError, sqlite3.Error, OSError) as error:
        print(f"backup.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
