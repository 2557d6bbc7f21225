#pragma once

#include "common/protocol/metric_sample.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ubaflow {

// What this process refused from its cluster peers, by reason: failed TLS
// handshakes and bad frames at the transport, messages from the wrong
// sender or with fields out of range in the control and data planes. One
// counter set per process (the metrics export reads it); each (peer,
// reason) pair is logged once, so a hostile or confused peer cannot flood
// the log.

/// Counts one refusal and logs it the first time `peer` earns `reason`.
/// `detail` says what exactly was refused.
void count_refusal(std::string_view reason, std::string_view peer,
                   std::string_view detail);

/// Every reason counted so far with its count, sorted by reason.
std::vector<std::pair<std::string, uint64_t>> refusal_counts();

/// The count of one reason (0 if never counted).
uint64_t refusal_count(std::string_view reason);

/// The counts as samples of ubaflow_cluster_refused_total, labelled with
/// `base` and the reason; the reasons every operator should see are
/// there at 0 before anything happens.
void add_refusal_samples(std::vector<metric_sample>& out,
                         const std::vector<metric_label>& base);

} // namespace ubaflow
