// Writes the fuzz_cluster seeds for CAF's message decoding: one real,
// serialized message of each ubaflow type the cluster exchanges (mode
// byte 2 first), so that fuzzing starts from well-formed messages.
//   ubaflow_fuzz_cluster_seeds DIR

#include "common/protocol/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>

#include <fstream>
#include <string>

using namespace ubaflow;

namespace {

void write(caf::actor_system& sys, const std::string& path,
           const caf::message& msg) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = msg;
  if (auto err = sink(copy))
    throw std::runtime_error("cannot serialize " + path);
  std::ofstream out{path, std::ios::binary};
  out.put(2);
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2)
    return 2;
  const std::string dir = argv[1];
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  caf::actor_system sys{cfg};
  partial_batch batch;
  batch.source = 1;
  batch.sequence = 7;
  batch.watermark = 1'511'654'400'000;
  batch.sql = {"", std::string("\x01\x00\x05", 3), ""};
  write(sys, dir + "/msg-partial-batch", caf::make_message(batch));
  uv_report report;
  report.owner = 1;
  report.slices = {{false, 0, 600'000, {0, 64}, 3, {{5, 3}}}};
  report.progress = {{0, 64}, 600'000, false};
  write(sys, dir + "/msg-uv-report", caf::make_message(report));
  std::vector<result_row> rows{
    {"cumulative_uv", "2017-11-26 00:10:00", R"({"uv":3})"}};
  write(sys, dir + "/msg-rows", caf::make_message(rows));
  owner_checkpoint part;
  part.checkpoint = 3;
  part.owner = 1;
  part.watermark = {{64, 128}, 600'000};
  key_group_snapshot g;
  g.group = 70;
  g.hourly = {{0, 4, false, true}};
  g.uv_days = {{0, 600'000, true, std::string("\x3a\x30\0\0", 4)}};
  part.groups = {g};
  write(sys, dir + "/msg-owner-checkpoint", caf::make_message(part));
  combiner_checkpoint combined;
  combined.checkpoint = 3;
  combined.state.progress.assign(128, 600'000);
  combined.state.final.assign(128, '\0');
  write(sys, dir + "/msg-combiner-checkpoint", caf::make_message(combined));
  owner_deployment owner;
  owner.index = 1;
  owner.range = {64, 128};
  owner.inputs = 2;
  write(sys, dir + "/msg-owner-deployment", caf::make_message(owner));
  source_deployment source;
  source.partitions = {0, 1};
  source.owner_ranges = {{0, 64}, {64, 128}};
  source.restore = {{0, 100, 600'000, false}};
  write(sys, dir + "/msg-source-deployment", caf::make_message(source));
  join_request join;
  join.cluster_id = "ubaflow";
  join.worker_name = "w1";
  join.challenge = "00112233445566778899aabbccddeeff";
  join.proof = std::string(64, 'a');
  join.host = "127.0.0.1";
  join.port = 6124;
  write(sys, dir + "/msg-join", caf::make_message(join));
  write(sys, dir + "/msg-heartbeat",
        caf::make_message(heartbeat_atom_v, uint32_t{3}));
  checkpoint_stats stats;
  stats.last_path = "checkpoints/chk-000000000003.ckpt";
  write(sys, dir + "/msg-stats", caf::make_message(checkpoint_atom_v, stats));
  return 0;
}
