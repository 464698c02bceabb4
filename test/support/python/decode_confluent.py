"""An independent decoder: reads Confluent-framed Avro messages, fetches each writer schema from
the registry by the id in the frame, decodes with fastavro (not this project's code) and prints
JSON. Input on stdin: {"registry": url, "messages": [hex, ...]}. Output: a JSON list.

decimal → string, date → ISO date, timestamp-millis → epoch ms, so the TypeScript side can compare
with what it encoded."""
import datetime
import decimal
import io
import json
import sys
import urllib.request

import fastavro


def fetch_schema(registry, schema_id, cache):
    if schema_id not in cache:
        with urllib.request.urlopen(f"{registry}/schemas/ids/{schema_id}") as res:
            cache[schema_id] = fastavro.parse_schema(json.loads(json.load(res)["schema"]))
    return cache[schema_id]


def plain(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main():
    request = json.load(sys.stdin)
    cache = {}
    out = []
    for message in request["messages"]:
        raw = bytes.fromhex(message)
        if raw[0] != 0:
            raise SystemExit(f"magic byte {raw[0]} is not 0")
        schema_id = int.from_bytes(raw[1:5], "big")
        schema = fetch_schema(request["registry"], schema_id, cache)
        record = fastavro.schemaless_reader(io.BytesIO(raw[5:]), schema)
        out.append({"schema_id": schema_id, "value": plain(record)})
    json.dump(out, sys.stdout)


main()
