#pragma once

#include <string>

namespace ubaflow {

/// Makes two connected TCP sockets on 127.0.0.1, like socketpair(2) but
/// TCP, for libraries that only speak TCP (CAF's middleman). The listening
/// socket lives only for the moment of the connect, and the accepted end
/// is checked to be the one just connected (a local process racing for
/// the port is turned away). False with `error` if it cannot be made.
bool make_loopback_pair(int& first, int& second, std::string& error);

} // namespace ubaflow
