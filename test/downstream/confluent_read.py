"""Reads topics the way a Confluent user does: confluent-kafka's Consumer with AvroDeserializer
for keys and values (a plain Consumer: DeserializingConsumer raises on the end-of-partition event), through SchemaRegistryClient at the registry URL a user would
configure, isolation.level=read_committed, from the beginning to the end of every partition.
Builds the compacted view (last value per key; a tombstone deletes the key) and prints it as JSON:
{topic: [{"key": {...}, "value": {...}}, ...]}.

Logical types come back as Python objects (date, datetime, Decimal); they are printed as ISO date,
epoch milliseconds and the decimal's text, so the Node side compares them exactly.

Usage: confluent_read.py <bootstrap> <registry-url> <topic>..."""
import datetime
import decimal
import json
import sys
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext


def plain(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000) if value.tzinfo else int(value.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


STARTED = time.monotonic()


def note(text):
    """Progress on stderr: the Node side shows it when this script fails or is killed."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", file=sys.stderr, flush=True)


def main():
    bootstrap, registry_url, topics = sys.argv[1], sys.argv[2], sys.argv[3:]
    registry = SchemaRegistryClient({"url": registry_url, "timeout": 30})
    deserializer = AvroDeserializer(registry)
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"confluent-read-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "enable.partition.eof": True,
        }
    )
    metadata = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=15)
    note(f"metadata of {len(metadata.topics)} topics")
    partitions = []
    for topic in topics:
        if topic not in metadata.topics:
            raise SystemExit(f"topic {topic} does not exist")
        partitions += [TopicPartition(topic, p, OFFSET_BEGINNING) for p in metadata.topics[topic].partitions]
    consumer.assign(partitions)
    pending = {(tp.topic, tp.partition) for tp in partitions}
    views = {topic: {} for topic in topics}
    seen = 0
    while pending:
        message = consumer.poll(10)
        if message is None:
            raise SystemExit(f"no end of partition within 10 s for {sorted(pending)}")
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                pending.discard((message.topic(), message.partition()))
                continue
            raise SystemExit(f"consumer error: {message.error()}")
        topic = message.topic()
        seen += 1
        if seen % 500 == 0:
            note(f"{seen} records, waiting for the end of {sorted(pending)}")
        key = plain(deserializer(message.key(), SerializationContext(topic, MessageField.KEY)))
        value = deserializer(message.value(), SerializationContext(topic, MessageField.VALUE))
        identity = json.dumps(key, sort_keys=True)
        if value is None:
            views[topic].pop(identity, None)
        else:
            views[topic][identity] = {"key": key, "value": plain(value)}
    note(f"{seen} records read to the end of {len(partitions)} partitions")
    consumer.close()
    note("consumer closed")
    json.dump({topic: list(view.values()) for topic, view in views.items()}, sys.stdout)


main()
