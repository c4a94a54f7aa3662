"""SQLite's substring index for the search: an FTS5 trigram table beside each searched model.

PostgreSQL answers substring search from trigram GIN indexes (see ``search_index_operations``).
SQLite has no such index on a column, but its FTS5 extension with the ``trigram`` tokenizer
indexes every three-character sequence of a text, so "contains ``brain``" (three characters or
more, any case, any script) is an index lookup instead of reading every row. The table holds
no text of its own (``content=`` the model's table, ``content_rowid`` its id); triggers keep
it in step with every insert, update and delete, bulk ones included.

The table and its triggers are derived data. Before migrations run (``pre_migrate``, when
there are any to apply) the triggers are dropped, since SQLite refuses to drop or alter a
column a trigger names and a migration that rebuilds a table drops them anyway; after every
``migrate`` (``post_migrate``) they are remade, and the index refilled from the rows whenever
anything was missing or the searched columns changed.
"""

TRIGGERS = {
    "ai": "AFTER INSERT ON {table} BEGIN {insert_new}; END",
    "ad": "AFTER DELETE ON {table} BEGIN {delete_old}; END",
    "au": "AFTER UPDATE ON {table} BEGIN {delete_old}; {insert_new}; END",
}


def search_table(model):
    return f"{model._meta.db_table}_search"


def fts_phrase(term):
    """``term`` as an FTS5 phrase: matched as a run of characters, nothing in it an operator."""
    return '"' + term.replace('"', '""') + '"'


def trigger_name(model, suffix):
    return f"{search_table(model)}_{suffix}"


def drop_triggers(connection, model):
    """Drop ``model``'s FTS5 triggers: SQLite refuses to drop or alter a column a trigger
    names, so they go before migrations run (and are remade, the index refilled, after)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for suffix in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {quote(trigger_name(model, suffix))}")


def ensure_search_table(connection, model, columns):
    """Make (or repair) ``model``'s FTS5 table of these ``columns`` and its triggers."""
    quote = connection.ops.quote_name
    table, fts = model._meta.db_table, search_table(model)
    listed = ", ".join(quote(column) for column in columns)
    create = (f"CREATE VIRTUAL TABLE {quote(fts)} USING fts5({listed}, content={quote(table)}, "
              f"content_rowid={quote(model._meta.pk.column)}, tokenize='trigram')")
    statements = {"insert_new": _row_change(quote(fts), "new", columns, quote, model),
                  "delete_old": _row_change(quote(fts), "old", columns, quote, model,
                                            delete=True)}
    with connection.cursor() as cursor:
        rebuild = False
        if _schema_sql(cursor, fts) != create:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(fts)}")
            cursor.execute(create)
            rebuild = True
        for suffix, body in TRIGGERS.items():
            name = trigger_name(model, suffix)
            trigger = (f"CREATE TRIGGER {quote(name)} "
                       + body.format(table=quote(table), **statements))
            if _schema_sql(cursor, name) != trigger:
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
                cursor.execute(trigger)
                rebuild = True
        if rebuild:
            cursor.execute(f"INSERT INTO {quote(fts)}({quote(fts)}) VALUES ('rebuild')")  # noqa: S608


def _row_change(fts, row, columns, quote, model, *, delete=False):
    """The FTS5 statement that adds (or, with ``delete``, removes) the ``new``/``old`` row.
    Every name in it comes from the model's options, quoted."""
    names = ", ".join(quote(column) for column in columns)
    values = ", ".join(f"{row}.{quote(column)}" for column in columns)
    rowid = f"{row}.{quote(model._meta.pk.column)}"
    if delete:
        return f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', {rowid}, {values})"  # noqa: S608
    return f"INSERT INTO {fts}(rowid, {names}) VALUES ({rowid}, {values})"  # noqa: S608


def _schema_sql(cursor, name):
    cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
    row = cursor.fetchone()
    return row[0] if row else None
