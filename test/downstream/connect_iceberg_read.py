"""Reads the Iceberg tables the Kafka Connect Iceberg sink wrote, with pyiceberg through the same
SQLite catalog: the newest row per key (by Kafka offset; a key lives in one partition), each value
in the comparable form of test/downstream/expected.ts (dates as YYYY-MM-DD, timestamps as epoch ms,
decimals as text). A table not yet created is absent.

One process serves every read of a test: importing pyiceberg and pyarrow costs a core for about a
second, a read of the ten small tables a fraction of that. Each line on stdin asks for a read; the
answer is one line on stdout, {"tables": {resource: [rows]}} or {"error": "..."} (a read racing a
commit on a loaded machine; the caller reads again).

usage: connect_iceberg_read.py <catalog dir> <namespace> '{"<resource>": ["<key field>", ...]}'
"""
import datetime
import decimal
import json
import sys

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import NoSuchTableError
from sqlalchemy.exc import OperationalError


def comparable(v):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        return int(v.timestamp() * 1000)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    return v


def read(folder, namespace, keys):
    # init_catalog_tables=false: the sink's JdbcCatalog creates the catalog tables; creating them here
    # too races it ("table iceberg_tables already exists", seen under load). A catalog per read: no
    # connection is held between reads while the sink commits.
    catalog = SqlCatalog(
        "iceberg",
        uri=f"sqlite:///{folder}/catalog.db",
        warehouse=f"file://{folder}/warehouse",
        init_catalog_tables="false",
    )
    try:
        out = {}
        for resource, key in keys.items():
            try:
                table = catalog.load_table(f"{namespace}.{resource}")
            except (NoSuchTableError, OperationalError):  # not created yet (or no catalog yet)
                continue
            newest = {}
            for row in table.scan().to_arrow().to_pylist():
                k = json.dumps([row[f] for f in key])
                if k not in newest or row["__kafka_offset"] > newest[k]["__kafka_offset"]:
                    newest[k] = row
            out[resource] = [{f: comparable(v) for f, v in row.items()} for row in newest.values()]
        return out
    finally:
        catalog.engine.dispose()


def main():
    folder, namespace, keys = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    for _ in sys.stdin:
        try:
            answer = {"tables": read(folder, namespace, keys)}
        except Exception as error:  # noqa: BLE001 - the caller shows it and reads again
            answer = {"error": f"{type(error).__name__}: {error}"[:2000]}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


main()
