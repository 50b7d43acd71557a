"""Columns the database keeps in step itself, with triggers, on SQLite and PostgreSQL.

Lists, counts, facets and the API's validators read these instead of recomputing them
on every request:

- ``visible`` on challenges, good practices and recommendations: the visibility rule
  (published, under a published review and, if it has one, a published consultation;
  ``consultations.publication``) applied once, when a state changes, instead of three
  joins in every public query.
- ``overall_status`` and ``overall_status_as_of`` on recommendations: the overall follow-up
  status, from the latest published update (``follow_up.derive_status`` orders them
  the same way: as of, then entered, then id), instead of a subquery per row.
- ``DataVersion``: one row whose ``version`` changes at every change of any table the
  public reads, so that “has anything changed?” (ETags, the cache) is one row read
  instead of a count over every table. A version is never handed out twice, even by a
  transaction that rolls back (a sequence on PostgreSQL, a random 64-bit number on
  SQLite): what was computed inside it can never pass for what is committed.

Triggers rather than ``save()`` hooks: the admin, the importers, the API, bulk inserts,
``QuerySet.update()``, the generator and raw SQL all go through them, and a write from
Python with a stale value (a form loaded before an update was published) is corrected
by the database. They are (re)installed after every ``migrate`` (``install``): on SQLite
Django rebuilds a table to alter it, which drops its triggers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

ITEM_TABLES = [
    "recommendations_challenge",
    "recommendations_goodpractice",
    "recommendations_recommendation",
]
RECOMMENDATION = "recommendations_recommendation"
UPDATE = "recommendations_update"
SOURCE_DOCUMENT = "consultations_sourcedocument"
REVIEW = "consultations_review"
CONSULTATION = "consultations_consultation"
DATA_VERSION = "recommendations_dataversion"
PUBLISHED = "'published'"
NO_UPDATE = "'none'"
# The apps whose tables the public reads: a change to any of them is a new data version.
PUBLIC_APPS = ("consultations", "recommendations")


def visible_sql(row: str) -> str:
    """The visibility rule for the item row ``row`` (a table name, alias, NEW or OLD)."""
    return f"""(
        {row}.publication_state = {PUBLISHED}
        AND EXISTS (
            SELECT 1 FROM {SOURCE_DOCUMENT} d JOIN {REVIEW} v ON v.id = d.review_id
            WHERE d.id = {row}.source_document_id AND v.publication_state = {PUBLISHED}
        )
        AND ({row}.consultation_id IS NULL OR EXISTS (
            SELECT 1 FROM {CONSULTATION} c
            WHERE c.id = {row}.consultation_id AND c.publication_state = {PUBLISHED}
        ))
    )"""


def _latest(column: str, recommendation: str) -> str:
    return f"""(
        SELECT u.{column} FROM {UPDATE} u
        WHERE u.recommendation_id = {recommendation} AND u.publication_state = {PUBLISHED}
        ORDER BY u.as_of DESC, u.created_at DESC, u.id DESC LIMIT 1
    )"""


def status_sql(recommendation: str) -> tuple[str, str]:
    """(overall_status, overall_status_as_of) of the recommendation with id ``recommendation``."""
    return f"COALESCE({_latest('status', recommendation)}, {NO_UPDATE})", _latest(
        "as_of", recommendation
    )


def _differs(vendor: str) -> str:
    return "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"


def _refresh_status_of(vendor: str, recommendation: str) -> str:
    """An UPDATE that brings one recommendation's status in step (writing nothing if it is)."""
    status, as_of = status_sql(recommendation)
    differs = _differs(vendor)
    return f"""UPDATE {RECOMMENDATION} SET overall_status = {status}, overall_status_as_of = {as_of}
        WHERE id = {recommendation}
          AND (overall_status {differs} {status} OR overall_status_as_of {differs} {as_of})"""


def public_tables() -> list[str]:
    """Every table of the public apps but history and the version row itself."""
    tables = set()
    for label in PUBLIC_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            table = model._meta.db_table
            if f"{label}_historical" in table or table == DATA_VERSION:
                continue
            tables.add(table)
    return sorted(tables)


# --- PostgreSQL -------------------------------------------------------------------------

# A setting of the transaction (``suspended_status``): no DDL, so no lock and no clash
# with the foreign-key checks a bulk load leaves pending until commit.
_PG_SUSPENDED = "current_setting('gcm.status_suspended', true) = 'on'"


def _postgresql(tables: list[str]) -> list[str]:
    differs = _differs("postgresql")
    statements = [
        "CREATE SEQUENCE IF NOT EXISTS gcm_data_version",
        f"""CREATE OR REPLACE FUNCTION gcm_bump_data_version() RETURNS trigger AS $$
        BEGIN
            INSERT INTO {DATA_VERSION} (id, version, changed_at)
            VALUES (1, nextval('gcm_data_version'), clock_timestamp())
            ON CONFLICT (id) DO UPDATE
                SET version = nextval('gcm_data_version'), changed_at = clock_timestamp();
            RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION gcm_item_visible() RETURNS trigger AS $$
        BEGIN
            NEW.visible := {visible_sql("NEW")};
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION gcm_recommendation_status() RETURNS trigger AS $$
        BEGIN
            IF {_PG_SUSPENDED} THEN
                RETURN NEW;
            END IF;
            NEW.overall_status := {status_sql("NEW.id")[0]};
            NEW.overall_status_as_of := {status_sql("NEW.id")[1]};
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION gcm_update_status() RETURNS trigger AS $$
        BEGIN
            IF {_PG_SUSPENDED} THEN
                RETURN NULL;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {_refresh_status_of("postgresql", "NEW.recommendation_id")};
            END IF;
            IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE'
                                    AND OLD.recommendation_id <> NEW.recommendation_id) THEN
                {_refresh_status_of("postgresql", "OLD.recommendation_id")};
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql""",
    ]
    cascades = {
        CONSULTATION: ("publication_state", "i.consultation_id = NEW.id"),
        REVIEW: (
            "publication_state",
            f"i.source_document_id IN (SELECT id FROM {SOURCE_DOCUMENT} WHERE review_id = NEW.id)",
        ),
        SOURCE_DOCUMENT: ("review_id", "i.source_document_id = NEW.id"),
    }
    for table, (column, which) in cascades.items():
        body = ";\n".join(
            f"UPDATE {item} i SET visible = {visible_sql('i')} "
            f"WHERE {which} AND i.visible {differs} {visible_sql('i')}"
            for item in ITEM_TABLES
        )
        statements += [
            f"""CREATE OR REPLACE FUNCTION {table}_cascade_visible() RETURNS trigger AS $$
            BEGIN
                {body};
                RETURN NULL;
            END $$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {table}_visible ON {table}",
            f"""CREATE TRIGGER {table}_visible AFTER UPDATE OF {column} ON {table}
            FOR EACH ROW WHEN (OLD.{column} IS DISTINCT FROM NEW.{column})
            EXECUTE FUNCTION {table}_cascade_visible()""",
        ]
    for table in ITEM_TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_visible ON {table}",
            f"""CREATE TRIGGER {table}_visible BEFORE INSERT OR UPDATE OF
                publication_state, source_document_id, consultation_id, visible ON {table}
            FOR EACH ROW EXECUTE FUNCTION gcm_item_visible()""",
        ]
    statements += [
        f"DROP TRIGGER IF EXISTS {RECOMMENDATION}_status ON {RECOMMENDATION}",
        f"""CREATE TRIGGER {RECOMMENDATION}_status BEFORE INSERT OR UPDATE OF
            overall_status, overall_status_as_of ON {RECOMMENDATION}
        FOR EACH ROW EXECUTE FUNCTION gcm_recommendation_status()""",
        f"DROP TRIGGER IF EXISTS {UPDATE}_status ON {UPDATE}",
        f"""CREATE TRIGGER {UPDATE}_status AFTER INSERT OR DELETE OR UPDATE OF
            publication_state, status, as_of, created_at, recommendation_id ON {UPDATE}
        FOR EACH ROW EXECUTE FUNCTION gcm_update_status()""",
    ]
    # Before each writing statement, before it locks any row: every writing transaction
    # takes the version row first, so writers queue there and cannot deadlock on it.
    for table in tables:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}",
            f"""CREATE TRIGGER {table}_data_version
            BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION gcm_bump_data_version()""",
        ]
    return statements


# --- SQLite ------------------------------------------------------------------------------

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite(tables: list[str]) -> list[str]:
    differs = _differs("sqlite")
    statements = []

    def trigger(name: str, event: str, table: str, body: list[str], when: str = "") -> None:
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        condition = f" WHEN {when}" if when else ""
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} BEGIN\n"
            + ";\n".join(body)
            + ";\nEND"
        )

    for table in ITEM_TABLES:
        refresh = (
            f"UPDATE {table} SET visible = {visible_sql('NEW')} "
            f"WHERE id = NEW.id AND visible {differs} {visible_sql('NEW')}"
        )
        trigger(f"{table}_visible_insert", "INSERT", table, [refresh])
        trigger(
            f"{table}_visible_update",
            "UPDATE OF publication_state, source_document_id, consultation_id, visible",
            table,
            [refresh],
        )
    cascades = {
        CONSULTATION: ("publication_state", "consultation_id = NEW.id"),
        REVIEW: (
            "publication_state",
            f"source_document_id IN (SELECT id FROM {SOURCE_DOCUMENT} WHERE review_id = NEW.id)",
        ),
        SOURCE_DOCUMENT: ("review_id", "source_document_id = NEW.id"),
    }
    for table, (column, which) in cascades.items():
        trigger(
            f"{table}_visible",
            f"UPDATE OF {column}",
            table,
            [
                f"UPDATE {item} SET visible = {visible_sql(item)} "
                f"WHERE {which} AND visible {differs} {visible_sql(item)}"
                for item in ITEM_TABLES
            ],
            when=f"OLD.{column} IS NOT NEW.{column}",
        )
    own_status = [_refresh_status_of("sqlite", "NEW.id")]
    trigger(f"{RECOMMENDATION}_status_insert", "INSERT", RECOMMENDATION, own_status)
    trigger(
        f"{RECOMMENDATION}_status_update",
        "UPDATE OF overall_status, overall_status_as_of",
        RECOMMENDATION,
        own_status,
    )
    trigger(
        f"{UPDATE}_status_insert",
        "INSERT",
        UPDATE,
        [_refresh_status_of("sqlite", "NEW.recommendation_id")],
    )
    trigger(
        f"{UPDATE}_status_delete",
        "DELETE",
        UPDATE,
        [_refresh_status_of("sqlite", "OLD.recommendation_id")],
    )
    trigger(
        f"{UPDATE}_status_update",
        "UPDATE OF publication_state, status, as_of, created_at, recommendation_id",
        UPDATE,
        [
            _refresh_status_of("sqlite", "NEW.recommendation_id"),
            _refresh_status_of("sqlite", "OLD.recommendation_id"),
        ],
    )
    # SQLite has no sequences: a random 64-bit number, which a rollback cannot hand out again.
    bump = [
        f"INSERT OR IGNORE INTO {DATA_VERSION} (id, version, changed_at) "
        f"VALUES (1, 0, {_SQLITE_NOW})",
        f"UPDATE {DATA_VERSION} SET version = random(), changed_at = {_SQLITE_NOW} WHERE id = 1",
    ]
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            trigger(f"{table}_data_version_{event.lower()}", event, table, bump)
    return statements


# --- Installing, suspending, refreshing ------------------------------------------------------


def _installable(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if RECOMMENDATION not in tables or DATA_VERSION not in tables:
            return False
        columns = {
            column.name
            for column in connection.introspection.get_table_description(cursor, RECOMMENDATION)
        }
    return "overall_status" in columns


def install(using: str = "default") -> bool:
    """Create (or re-create) every trigger; False where the columns are not migrated yet."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite") or not _installable(connection):
        return False
    tables = public_tables()
    statements = _postgresql(tables) if connection.vendor == "postgresql" else _sqlite(tables)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return True


def install_after_migrate(using: str = "default", **kwargs: object) -> None:
    """post_migrate receiver."""
    install(using)


def _visible_rows(table: str) -> str:
    """Every row of the item table ``table`` with what its ``visible`` should be: joins,
    computed for the whole table at once."""
    return f"""SELECT i.id, (
            i.publication_state = {PUBLISHED} AND v.publication_state = {PUBLISHED}
            AND (i.consultation_id IS NULL OR c.publication_state = {PUBLISHED})
        ) AS value
        FROM {table} i
        JOIN {SOURCE_DOCUMENT} d ON d.id = i.source_document_id
        JOIN {REVIEW} v ON v.id = d.review_id
        LEFT JOIN {CONSULTATION} c ON c.id = i.consultation_id"""


def _status_rows() -> str:
    """Every recommendation with its overall status and date: the latest published update
    of each, ranked once over the whole table."""
    return f"""SELECT r.id, COALESCE(l.status, {NO_UPDATE}) AS status, l.as_of
        FROM {RECOMMENDATION} r LEFT JOIN (
            SELECT recommendation_id, status, as_of FROM (
                SELECT recommendation_id, status, as_of, ROW_NUMBER() OVER (
                    PARTITION BY recommendation_id
                    ORDER BY as_of DESC, created_at DESC, id DESC
                ) AS rank
                FROM {UPDATE} WHERE publication_state = {PUBLISHED}
            ) ranked WHERE rank = 1
        ) l ON l.recommendation_id = r.id"""


def refresh(using: str = "default") -> int:
    """Bring every derived column in step, writing only the rows that differ; the number of
    rows written (0 when the triggers kept everything in step). Set-based: seconds for
    200,000 recommendations, plus the cost of the rows it has to write."""
    connection = connections[using]
    differs = _differs(connection.vendor)
    written = 0
    with connection.cursor() as cursor:
        for table in ITEM_TABLES:
            cursor.execute(
                f"UPDATE {table} SET visible = x.value FROM ({_visible_rows(table)}) x "
                f"WHERE {table}.id = x.id AND {table}.visible {differs} x.value"
            )
            written += max(cursor.rowcount, 0)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {RECOMMENDATION} "
                "SET overall_status = x.status, overall_status_as_of = x.as_of "
                f"FROM ({_status_rows()}) x WHERE {RECOMMENDATION}.id = x.id "
                f"AND ({RECOMMENDATION}.overall_status {differs} x.status "
                f"OR {RECOMMENDATION}.overall_status_as_of {differs} x.as_of)"
            )
        else:
            # SQLite joins the ranked rows without an index unless its statistics say
            # they are many, and a fresh bulk load has none: 200,000 x 500,000 rows, hours.
            # One index lookup per recommendation (update_latest_per_rec) instead.
            cursor.execute(_refresh_status_of(connection.vendor, f"{RECOMMENDATION}.id"))
        written += max(cursor.rowcount, 0)
    return written


@contextlib.contextmanager
def suspended_status(using: str = "default") -> Iterator[None]:
    """Within this block the database leaves the recommendations' overall status alone; at
    the end the triggers are back and ``refresh`` computes it once, set-based, for every
    recommendation. A bulk load of 500,000 updates would otherwise rewrite each
    recommendation at each of its updates.
    Use inside a transaction, so that no reader sees the status out of step."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("suspended_status() must run inside a transaction.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('gcm.status_suspended', 'on', true)")
        else:
            for name in (
                f"{UPDATE}_status_insert",
                f"{UPDATE}_status_delete",
                f"{UPDATE}_status_update",
                f"{RECOMMENDATION}_status_insert",
                f"{RECOMMENDATION}_status_update",
            ):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('gcm.status_suspended', 'off', true)")
        else:
            install(using)
    refresh(using)


def uninstall(using: str = "default") -> None:
    """Drop every trigger and function of this module (before its columns go)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND ("
                "name LIKE '%\\_visible%' ESCAPE '\\' OR name LIKE '%\\_status\\_%' ESCAPE '\\' "
                "OR name LIKE '%\\_data\\_version\\_%' ESCAPE '\\')"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            return
        if connection.vendor != "postgresql":
            return
        for table in public_tables():
            if table in existing:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
        for table in [*ITEM_TABLES, CONSULTATION, REVIEW, SOURCE_DOCUMENT]:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_visible ON {table}")
        for table in (RECOMMENDATION, UPDATE):
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_status ON {table}")
        for function in [
            "gcm_bump_data_version",
            "gcm_item_visible",
            "gcm_recommendation_status",
            "gcm_update_status",
            *(f"{table}_cascade_visible" for table in (CONSULTATION, REVIEW, SOURCE_DOCUMENT)),
        ]:
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")
        cursor.execute("DROP SEQUENCE IF EXISTS gcm_data_version")
