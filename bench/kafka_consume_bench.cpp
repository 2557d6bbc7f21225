// The baseline of the Kafka-path benchmark: how fast bare librdkafka
// consumers drain a topic with no processing at all — one consumer per
// partition in its own thread, like ubaflow's source tasks, each assigned
// its partition from the beginning and batch-consuming to the end.
//
//   ubaflow_kafka_consume_bench BOOTSTRAP TOPIC COUNT
// prints {"messages":N,"seconds":S,"messages_per_s":R}.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

rd_kafka_t* make_consumer(const char* bootstrap) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The same settings as ubaflow's source.
  for (auto [k, v] : {std::pair{"bootstrap.servers", bootstrap},
                      std::pair{"group.id", "ubaflow-bench-baseline"},
                      std::pair{"enable.auto.commit", "false"},
                      std::pair{"enable.partition.eof", "true"},
                      std::pair{"fetch.wait.max.ms", "100"},
                      std::pair{"queued.min.messages", "300000"}}) {
    if (rd_kafka_conf_set(conf, k, v, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "%s\n", errstr);
      std::exit(2);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) {
    std::fprintf(stderr, "%s\n", errstr);
    std::exit(1);
  }
  rd_kafka_poll_set_consumer(rk);
  return rk;
}

int partition_count(const char* bootstrap, const char* topic_name) {
  rd_kafka_t* rk = make_consumer(bootstrap);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, topic_name, nullptr);
  if (rd_kafka_metadata(rk, 0, topic, &md, 10000) || md->topic_cnt != 1) {
    std::fprintf(stderr, "no metadata for %s\n", topic_name);
    std::exit(1);
  }
  const int n = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  return n;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP TOPIC COUNT\n", argv[0]);
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  const long long wanted = std::atoll(argv[3]);
  const int partitions = partition_count(argv[1], argv[2]);
  std::atomic<long long> received{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < partitions; ++p) {
    threads.emplace_back([&, p] {
      rd_kafka_t* rk = make_consumer(argv[1]);
      auto* list = rd_kafka_topic_partition_list_new(1);
      rd_kafka_topic_partition_list_add(list, argv[2], p)->offset
        = RD_KAFKA_OFFSET_BEGINNING;
      rd_kafka_assign(rk, list);
      rd_kafka_topic_partition_list_destroy(list);
      rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk);
      std::vector<rd_kafka_message_t*> batch(8192);
      bool at_end = false;
      while (!at_end && received.load() < wanted) {
        // 8192 records or 50 ms, as a source task reads.
        ssize_t n = rd_kafka_consume_batch_queue(queue, 50, batch.data(),
                                                 batch.size());
        long long got = 0;
        for (ssize_t i = 0; i < n; ++i) {
          if (!batch[i]->err)
            ++got;
          else if (batch[i]->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            at_end = true;
          rd_kafka_message_destroy(batch[i]);
        }
        received += got;
      }
      rd_kafka_queue_destroy(queue);
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    });
  }
  for (auto& t : threads)
    t.join();
  const double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  std::printf("{\"messages\":%lld,\"partitions\":%d,\"seconds\":%.3f,"
              "\"messages_per_s\":%.0f}\n",
              received.load(), partitions, seconds, received.load() / seconds);
  return 0;
}
