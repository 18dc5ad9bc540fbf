"""Every migration can be undone, so a release can be rolled back: on a fresh database the
schema goes up to head, down one revision at a time to base, each step back leaving exactly
the schema its revision built, and up to head again. With rows in the tables the last
migrations touched, rolling back and upgrading again keeps every row, and loses only what the
dropped columns held and no older column says (a warning's wording key); what an older column
says is derived again on the way up (a timeline entry's key from its English text, a repair
reason from the version's note)."""

from __future__ import annotations

from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    MetaData,
    func,
    inspect,
    select,
)

from core.db import make_engine
from core.migrate import alembic_config, downgrade, upgrade
from tests.conftest import T0
from tests.migration_rows import required_values


def _revisions(url: str) -> list[str]:
    """The revisions from the first to head."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _schema(url: str) -> dict[str, Any]:
    """What a revision built: tables with their columns, indexes, keys and constraints (and
    PostgreSQL's enum types), Alembic's own table left out."""
    engine = make_engine(url)
    try:
        found = inspect(engine)
        schema: dict[str, Any] = {}
        if engine.dialect.name == "postgresql":
            enums = found.get_enums()  # type: ignore[attr-defined]
            schema = {"enum types": sorted(e["name"] for e in enums)} if enums else {}
        tables = [name for name in found.get_table_names() if name != "alembic_version"]
        if not tables:
            return schema
        columns = found.get_multi_columns(filter_names=tables)
        indexes = found.get_multi_indexes(filter_names=tables)
        keys = found.get_multi_pk_constraint(filter_names=tables)
        foreign = found.get_multi_foreign_keys(filter_names=tables)
        unique = found.get_multi_unique_constraints(filter_names=tables)
        schema |= {
            name: {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in columns[at]],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in indexes[at]
                ),
                "primary key": keys[at]["constrained_columns"],
                "foreign keys": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"]) for f in foreign[at]
                ),
                "unique": sorted(tuple(u["column_names"]) for u in unique[at]),
            }
            for at in columns
            for name in [at[1]]
        }
        return schema
    finally:
        engine.dispose()


def test_each_downgrade_leaves_the_schema_its_revision_built(fresh_url: str) -> None:
    revisions = _revisions(fresh_url)
    built = {}
    for revision in revisions:
        upgrade(fresh_url, revision)
        built[revision] = _schema(fresh_url)

    for revision in reversed(revisions[:-1]):
        downgrade(fresh_url, "-1")
        assert _schema(fresh_url) == built[revision], f"downgrade to {revision}"
    downgrade(fresh_url, "base")
    assert _schema(fresh_url) == {}

    upgrade(fresh_url)
    assert _schema(fresh_url) == built[revisions[-1]]


def _insert(connection: Connection, meta: MetaData, name: str, **given: Any) -> None:
    """A row of table `name`, after the rows it must reference (id 1 of each, made once)."""
    table = meta.tables[name]
    row = {"id": 1} if "id" in table.c else {}
    row |= required_values(table) | given
    for column in table.columns:
        if column.name not in row or column.nullable or not column.foreign_keys:
            continue
        referred = next(iter(column.foreign_keys)).column
        parent = referred.table
        there = select(func.count()).where(referred == row[column.name])
        if parent.name != name and not connection.execute(there).scalar():
            _insert(connection, meta, parent.name, **{referred.name: row[column.name]})
    connection.execute(table.insert().values(row))


#: the rows stored at head, one per table the last migrations touched
ROWS: dict[str, dict[str, Any]] = {
    "complaint": {"status": "returned", "workflow": "complaint", "returned_count": 1},
    "early_warning": {"title": "投诉量异常", "wording_key": "spike", "values": {"count": 12}},
    "incident_event": {
        "text": "step 1: no acknowledgement, climbing",
        "key": "step_climbing",
        "values": {"step": 1},
    },
    "roster": {"note": "repair: 病假（发热）", "repair_reason": "病假（发热）"},
    "roster_assignment": {},
    "webhook_receipt": {"digest": "d" * 64, "path": "/twilio/status", "received_at": T0},
    "ical_feed": {"token_hash": "f" * 64, "last_fetched_at": T0},
    "login_pair": {"username": "wang", "client": "10.0.0.1", "last_success_at": T0},
}

#: rolled back to each revision in turn (and upgraded again), what is then lost for good
ROLLBACKS: list[tuple[str, dict[str, dict[str, Any]]]] = [
    ("0032_calendar_years", {}),  # a district warning's title says 区县 again
    ("0030_warning_keys", {}),  # a returned complaint is returned again, by its return count
    ("0029_keyed_history", {"early_warning": {"wording_key": None, "values": {}}}),
    ("0028_event_keys", {}),  # 0029 wrote derived keys only: nothing to undo
    ("0027_repair_reason", {}),  # the entry's key is derived from its text again
    ("0026_receipt_retention", {}),  # the repair reason is derived from the note again
    ("0025_feed_fetches", {}),  # an index
    ("0024_login_pairs", {"ical_feed": {"last_fetched_at": None}}),
]


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=list(ROWS))
        with engine.connect() as connection:
            return {
                name: [dict(r) for r in connection.execute(select(meta.tables[name])).mappings()]
                for name in ROWS
            }
    finally:
        engine.dispose()


def test_a_rollback_keeps_the_rows_and_loses_only_what_no_older_column_says(
    fresh_url: str,
) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.begin() as connection:
            for name, given in ROWS.items():
                _insert(connection, meta, name, **given)
    finally:
        engine.dispose()
    expected = _rows(fresh_url)
    assert all(len(rows) == 1 for rows in expected.values())

    for revision, lost in ROLLBACKS:
        downgrade(fresh_url, revision)
        upgrade(fresh_url)
        for name, columns in lost.items():
            expected[name] = [row | columns for row in expected[name]]
        assert _rows(fresh_url) == expected, f"rolled back to {revision}"


def test_a_returned_complaint_is_registered_before_0031_and_returned_after_it(
    fresh_url: str,
) -> None:
    """Before 0031 a complaint its unit returned waited at intake as 'registered'; 12345
    orders had 'returned' already and keep it."""
    upgrade(fresh_url, "0030_warning_keys")
    engine = make_engine(fresh_url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.begin() as connection:
            _insert(connection, meta, "complaint", status="registered", returned_count=1)
            for n, (workflow, status) in enumerate(
                (("complaint", "registered"), ("order_12345", "returned")), start=2
            ):
                _insert(
                    connection,
                    meta,
                    "complaint",
                    id=n,
                    ref=f"R{n}",
                    workflow=workflow,
                    status=status,
                    returned_count=0 if workflow == "complaint" else 1,
                )
    finally:
        engine.dispose()

    def statuses() -> list[str]:
        return [row["status"] for row in sorted(_rows(fresh_url)["complaint"], key=_id)]

    upgrade(fresh_url)
    assert statuses() == ["returned", "registered", "returned"]
    downgrade(fresh_url, "0030_warning_keys")
    assert statuses() == ["registered", "registered", "returned"]


def test_a_district_warnings_stored_title_names_the_district_as_new_ones_after_0033(
    fresh_url: str,
) -> None:
    """Titles stored before the wording changed named the district dimension 区域; only that
    leading word of district warnings changes, and a rollback restores it."""
    upgrade(fresh_url, "0032_calendar_years")
    titles = [
        ("district", "区域「城东区」11-20量升高：9 件，基线 2.0 件"),
        ("domain", "领域「食品安全」11-20量升高：9 件，基线 2.0 件"),
        ("district", "城东区 区域「x」"),
    ]
    engine = make_engine(fresh_url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.begin() as connection:
            for n, (dimension, title) in enumerate(titles, start=1):
                _insert(connection, meta, "early_warning", id=n, dimension=dimension, title=title)
    finally:
        engine.dispose()

    def stored() -> list[str]:
        return [row["title"] for row in sorted(_rows(fresh_url)["early_warning"], key=_id)]

    upgrade(fresh_url)
    assert stored() == [
        "区县「城东区」11-20量升高：9 件，基线 2.0 件",
        "领域「食品安全」11-20量升高：9 件，基线 2.0 件",
        "城东区 区域「x」",
    ]
    downgrade(fresh_url, "0032_calendar_years")
    assert stored() == [title for _, title in titles]


def _id(row: dict[str, Any]) -> int:
    return int(row["id"])
