#pragma once

#include "common/config/option_set.hpp"

namespace ubaflow {

/// `ubaflow run`: every job option plus the REST API, metrics and web UI
/// (rest.bind-address, rest.port, rest.web-dir).
const option_set& run_options();

/// `ubaflow coordinator`: every job option plus the cluster's (id, secret,
/// listen address, membership, restarts). docs/configuration.md is
/// generated from these tables.
const option_set& coordinator_options();

/// `ubaflow worker`: where the coordinator is, the worker's own listen
/// address and slots, the cluster credentials, and the job options (the
/// coordinator's values win for everything but secrets and local paths
/// the worker sets itself; see docs/operations.md).
const option_set& worker_options();

/// `ubaflow savepoint`: where the coordinator is and the cluster
/// credentials that authorize the request.
const option_set& savepoint_options();

} // namespace ubaflow
