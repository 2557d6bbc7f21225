#pragma once

#include "common/config/job_config.hpp"
#include "common/config/settings.hpp"
#include "coordinator/cluster/cluster_manager.hpp"
#include "coordinator/rest/rest_frontend.hpp"
#include "common/transport/cluster_relay.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// The cluster's secrets from cluster.secret or cluster.secret-file: the
/// first is the one in use, the others (further lines of the file) are
/// still accepted, for rotation. Empty when none is set; nothing (and
/// `error`) when the file cannot be read.
std::optional<std::vector<std::string>> cluster_secrets(const settings& values,
                                                        std::string& error);

/// How this node's cluster connections are protected, from cluster.*:
/// mutual TLS when cluster.tls-* are set (all three, readable files), else
/// TLS 1.3 with the key derived from `secret` and cluster.id, else -- only
/// with cluster.insecure=true -- plain TCP, with a loud warning. Nothing and
/// `error` for a bad or missing setting (no secret and not insecure).
std::optional<relay_security>
cluster_security(const settings& values,
                 const std::vector<std::string>& secrets, std::string& error);

/// Logs a loud warning when an insecure cluster listens beyond loopback.
void warn_if_exposed(const relay_security& security,
                     const std::string& bind_address, const char* what);

/// The job's settings a coordinator hands to joining workers: every
/// non-secret job option as "key=value"; a job written in SQL as its text
/// (job.sql-text), which the workers need not have as a file.
std::vector<std::string> shareable_job_settings(const settings& values,
                                                const job_config& config);

/// Options a worker may set for itself, overriding the coordinator's value:
/// secrets and node-local paths (files, directories).
bool is_node_local_option(const option_spec& spec);

/// Applies the coordinator's "key=value" lines to a worker's own settings,
/// keeping the worker's explicit node-local values. Returns an error
/// message for a line that does not apply.
std::optional<std::string>
apply_coordinator_settings(settings& values,
                           const std::vector<std::string>& lines);

/// Splits "host:port"; nothing for a malformed address.
std::optional<std::pair<std::string, uint16_t>>
split_host_port(const std::string& address);

/// Sets up checkpoint storage and the restore point from the
/// checkpoint.* options (none when checkpoint.dir is empty); false with
/// `error` on a bad setting or an unreadable or unsuitable checkpoint.
bool configure_checkpoints(const settings& values, const job_config& config,
                           cluster_settings& cluster, std::string& error);

/// What the REST API tells about checkpointing.
checkpoint_view checkpoint_view_of(const cluster_settings& cluster);

} // namespace ubaflow
