"""Backups: scripts/backup.py's round trip gives back every row of every table, field by field.

The dataset is imported with its history and given a follow-up update with evidence; it is
backed up and restored with the README's commands into a second database (SQLite: another
file; PostgreSQL: the test database's name + ``_restore``), then every table Django knows is
compared row by row from both connections.

The test is transactional: pg_dump reads committed data only, and SQLite's backup copies the
live test database through its own connection. Its flush empties the tables, the migrations'
data included, so each test starts from that data (``serialized_rollback``) and the module
puts it back when it ends, for the tests after it.
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from consultations.models import Objective, Organization
from recommendations.models import EvidenceLink, FollowUpStatus, Recommendation, Update
from tests.factories import make_update

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "backup.py"
RESTORED = "restored"


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location("gcm_backup_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


backup_script = load_script()


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """After the module's last flush, put the migrations' data back for later tests."""
    contents = {
        each.alias: each._test_serialized_contents
        for each in connections.all()
        if getattr(each, "_test_serialized_contents", None)
    }
    yield
    with django_db_blocker.unblock():
        if Objective.objects.exists():
            return
        for alias, data in contents.items():
            connections[alias].creation.deserialize_db_from_string(data)


def run_script(command: str, path: Path, *, url: str) -> None:
    """scripts/backup.py as the README runs it, on the database ``url``."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), command, str(path)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def postgres_url(settings: dict[str, Any], name: str) -> str:
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{settings['HOST']}:{settings['PORT'] or 5432}/{name}"


@contextmanager
def second_database(settings: dict[str, Any]) -> Iterator[str]:
    """A connection with ``settings`` under the alias RESTORED, for the length of the block.

    It is set on ``connections`` directly, not added to its settings: Django's test cases
    refuse aliases from the settings that a test did not declare, and allow these.
    """
    connections[RESTORED] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, RESTORED)
    try:
        yield RESTORED
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]


@contextmanager
def restored_sqlite(tmp_path: Path) -> Iterator[str]:
    # The test database lives in memory: the script's function copies it, through the
    # test's own connection, to a file the command line can then back up.
    connection.ensure_connection()
    live = tmp_path / "live.sqlite3"
    backup_script.sqlite_backup(connection.connection, live)
    backup_file = tmp_path / "gcm.backup"
    run_script("backup", backup_file, url=f"sqlite:///{live}")
    restored = tmp_path / "restored.sqlite3"
    run_script("restore", backup_file, url=f"sqlite:///{restored}")
    with second_database({**connection.settings_dict, "NAME": str(restored)}) as alias:
        yield alias


@contextmanager
def restored_postgres(tmp_path: Path) -> Iterator[str]:
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    except DatabaseError as error:
        pytest.skip(f"the role cannot create the database {name} to restore into: {error}")
    try:
        backup_file = tmp_path / "gcm.backup"
        run_script("backup", backup_file, url=postgres_url(settings, settings["NAME"]))
        run_script("restore", backup_file, url=postgres_url(settings, name))
        with second_database({**settings, "NAME": name}) as alias:
            yield alias
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_copy(tmp_path: Path) -> Any:
    if connection.vendor == "postgresql":
        return restored_postgres(tmp_path)
    return restored_sqlite(tmp_path)


def table_rows(alias: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a model Django knows (m2m tables and history included),
    with every concrete field, in primary key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [field.attname for field in model._meta.concrete_fields]
        queryset = model._base_manager.using(alias).order_by("pk").values_list(*columns)
        rows[model._meta.db_table] = list(queryset)
    return rows


def assert_same_rows(table: str, original: list[tuple], restored: list[tuple]) -> None:
    for before, after in zip(original, restored, strict=False):
        assert after == before, f"{table}: a row differs after the restore"
    assert len(restored) == len(original), f"{table}: {len(original)} rows, {len(restored)} back"


def add_follow_up() -> Update:
    """A published update with two evidence links, after the import: the follow-up record."""
    return make_update(
        recommendation=Recommendation.objects.order_by("pk").first(),
        reported_by=Organization.objects.order_by("pk").first(),
        status=FollowUpStatus.IN_PROGRESS,
        as_of=datetime.date(2025, 3, 31),
        country="VN",
        description="Viet Nam adopted a plan on recruitment fees — « sans frais » — 移民.",
        evidence=[
            ("Decision 12/2025", "https://example.org/decision-12-2025.pdf"),
            ("Ministry announcement", "https://example.org/announcement"),
        ],
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restored_into_another_database_gives_back_every_row_of_every_table(
    imported_with_history: None, tmp_path: Path
):
    update = add_follow_up()
    original = table_rows("default")
    # Not an empty comparison: records, their tags, the follow-up and history are there.
    for table in (
        Recommendation._meta.db_table,
        Recommendation.objectives.through._meta.db_table,
        Recommendation.history.model._meta.db_table,
        Update._meta.db_table,
        EvidenceLink._meta.db_table,
        EvidenceLink.history.model._meta.db_table,
    ):
        assert original[table], f"{table} is empty before the backup"
    # Every table in the database is compared (django_migrations below).
    tables = set(connection.introspection.table_names())
    assert tables - set(original) == {MigrationRecorder.Migration._meta.db_table}

    with restored_copy(tmp_path) as alias:
        restored = table_rows(alias)
        assert restored.keys() == original.keys()
        for table, rows in original.items():
            assert_same_rows(table, rows, restored[table])
        recorded = MigrationRecorder(connections[alias]).applied_migrations()
        assert recorded.keys() == MigrationRecorder(connection).applied_migrations().keys()

        # The restored database takes new records, numbered after the last restored one:
        # its sequences came back too.
        link = EvidenceLink.objects.using(alias).create(
            update_id=update.pk, title="Added after the restore", url="https://example.org/new"
        )
        assert link.pk > max(row[0] for row in original[EvidenceLink._meta.db_table])


def write_sqlite(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as database, database:
        for statement in statements:
            database.execute(statement)


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda path: path.write_text("not a database\n" * 500), "is not a SQLite database"),
        (
            lambda path: write_sqlite(path, "CREATE TABLE notes (text TEXT)"),
            "is not a database of this application",
        ),
    ],
    ids=["a text file", "another SQLite database"],
)
def test_restore_refuses_what_is_not_a_backup_and_leaves_the_database_alone(
    tmp_path: Path, make_file: Any, message: str
):
    database = tmp_path / "gcm.sqlite3"
    write_sqlite(
        database,
        "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)",
        "INSERT INTO django_migrations (app, name) VALUES ('consultations', '0001_initial')",
    )
    before = database.read_bytes()
    not_a_backup = tmp_path / "wrong.backup"
    make_file(not_a_backup)

    result = subprocess.run(
        [sys.executable, str(SCRIPT), "restore", str(not_a_backup)],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == before
