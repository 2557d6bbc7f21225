"""Independent Kafka clients feed the job: kcat and the seed's own method
(python3-kafka's KafkaProducer, as in datagen.py). Their messages must be
processed exactly like ubaflow's own datagen's."""
import os
import unittest

import harness

# The seed's datagen.py method, written for this test: read Tianchi CSV
# lines, format the time as local wall clock with a literal 'Z', send JSON
# with string ids through a thread pool, one blocking send per line.
SEED_PRODUCER = r'''
import json, sys, time, queue
from concurrent.futures import ThreadPoolExecutor
from kafka import KafkaProducer

bootstrap, topic, path = sys.argv[1], sys.argv[2], sys.argv[3]
producer = KafkaProducer(bootstrap_servers=[bootstrap],
                         value_serializer=lambda m: json.dumps(m).encode("utf-8"))

def send(line):
    cols = line.strip("\n").split(",")
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.localtime(int(cols[4])))
    value = {"user_id": cols[0], "item_id": cols[1], "category_id": cols[2],
             "behavior": cols[3], "ts": ts}
    producer.send(topic=topic, value=value).get(timeout=10)

with open(path) as f, ThreadPoolExecutor(max_workers=16) as pool:
    for line in f:
        pool.submit(send, line)
producer.flush()
'''


class ClientsTest(harness.IntegrationTest):

    def test_kcat_keyed_messages(self):
        broker = self.broker(partitions=3)
        messages = self.path("messages.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", messages,
                     "--datagen.events", "15000", "--datagen.days", "1",
                     "--datagen.disorder", "3s", "--datagen.numeric-ids", "true",
                     "--datagen.progress", "0"])
        # kcat wants "key<TAB>value" lines; murmur2_random is librdkafka's
        # Java-compatible partitioner, so the oracle knows each partition.
        keyed = self.path("keyed.txt")
        with open(messages) as src, open(keyed, "w") as dst:
            for line in src:
                user = line.split('"user_id":', 1)[1].split(",", 1)[0].strip('"')
                dst.write(user + "\t" + line)
        harness.subprocess.run(["kcat", "-P", "-b", broker.bootstrap, "-t", "user_behavior",
                                "-K", "\t", "-X", "partitioner=murmur2_random", "-l", keyed],
                               check=True, timeout=120)
        self.run_job_to_end(["--kafka.bootstrap-servers", broker.bootstrap,
                             "--kafka.bounded", "true", "--sink.ndjson.dir", self.path("out"),
                             "--progress.interval", "0"])
        self.verify(["--verify.input", messages, "--verify.partitions", "3",
                     "--verify.against", "ndjson:" + self.path("out")])

    def test_seed_python_producer(self):
        broker = self.broker(partitions=1)
        csv = self.path("tianchi.csv")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", csv,
                     "--datagen.events", "3000", "--datagen.days", "1",
                     "--datagen.progress", "0"])
        script = self.path("seed_producer.py")
        with open(script, "w") as f:
            f.write(SEED_PRODUCER)
        # datagen.py formats with the machine's local zone: Beijing.
        env = dict(os.environ, TZ="Asia/Shanghai")
        harness.subprocess.run([harness.PYTHON, script, broker.bootstrap, "user_behavior", csv],
                               check=True, timeout=300, env=env)
        common = ["--event-time.z-as-local", "true"]
        self.run_job_to_end(["--kafka.bootstrap-servers", broker.bootstrap,
                             "--kafka.bounded", "true", "--sink.ndjson.dir", self.path("out"),
                             "--progress.interval", "0",
                             # the thread pool reorders sends a little
                             "--event-time.watermark-delay", "1h"] + common)
        # The producer's thread pool reorders records, so compare with the
        # CSV itself under a watermark delay that makes order irrelevant.
        self.verify(["--verify.input", csv, "--verify.against", "ndjson:" + self.path("out"),
                     "--event-time.watermark-delay", "1h"] + common)


if __name__ == "__main__":
    unittest.main()
