"""Alembic environment: migrations run on a connection the caller opened (see xiangxing.migrate).

The caller's engine carries the SQLite pragmas and the driver settings of the app, so migrations
see the database exactly as the app does. ``--sql`` (offline) mode writes the SQL instead.
"""

from alembic import context
from sqlalchemy.engine import Connection

from xiangxing.migrate import compare_type
from xiangxing.models import metadata

config = context.config


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_on(config.attributes["connection"])
