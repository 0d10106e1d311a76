"""Alembic environment: runs on the connection `db.store` hands it (never a URL of its own)."""

from __future__ import annotations

from alembic import context

import db.models  # noqa: F401  (registers every table)
from db.base import Base
from db.services.search import include_object

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` CLI during development: use the URL from -x url=...
    from sqlalchemy import create_engine

    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///dev.db")
    connection = create_engine(url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,  # the search index is derived data, not a model
)
with context.begin_transaction():
    context.run_migrations()
