"""`boardpack dump`: every record of a database as canonical, stable JSON.

The dump is the yardstick for sync (two replicas agree when their dumps are
equal) and for backups (a restore is right when it dumps the same). Tables in
name order, rows by primary key, columns by name, values in their canonical
spelling (`db.canonical`); file bytes appear as their SHA-256 and size so the
dump stays small but still proves the content. Sync bookkeeping (the change
log, clocks, cursors) is per replica and left out. Rows stream table by table, so
a large board dumps in constant memory.
"""

from __future__ import annotations

from typing import Any, TextIO

from sqlalchemy import Engine, Table, select

import db.models  # noqa: F401  (registers every table)
from db.base import Base
from db.canonical import canonical_json
from db.sync.tables import NOT_SYNCED

FORMAT = "boardpack-dump/1"
_BATCH = 5000


def _ordered_tables() -> list[Table]:
    # Board records only: sync bookkeeping differs per replica by design.
    return [
        Base.metadata.tables[name]
        for name in sorted(Base.metadata.tables)
        if name not in NOT_SYNCED
    ]


def _row(table: Table, values: Any) -> str:
    return canonical_json({col.name: values[i] for i, col in enumerate(table.columns)})


def write_dump(engine: Engine, out: TextIO) -> None:
    """Write the canonical dump of every table to `out`.

    Args:
        engine: an engine on a Boardpack database.
        out: a text stream; one table per line group, deterministic bytes.
    """
    with engine.connect() as conn:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        out.write("{" + f'"format":"{FORMAT}","schema":"{revision}","tables":{{')
        for t_index, table in enumerate(_ordered_tables()):
            out.write(("," if t_index else "") + f'\n"{table.name}":[')
            stmt = select(*table.columns).order_by(*table.primary_key.columns)
            result = conn.execution_options(stream_results=True).execute(stmt)
            first = True
            for batch in result.partitions(_BATCH):
                for values in batch:
                    out.write(("\n" if first else ",\n") + _row(table, values))
                    first = False
            out.write("]")
        out.write("\n}}\n")


def dump_text(engine: Engine) -> str:
    """The whole dump as one string (small databases, tests)."""
    import io

    buffer = io.StringIO()
    write_dump(engine, buffer)
    return buffer.getvalue()
