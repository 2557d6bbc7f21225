#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstddef>
#include <memory>

namespace ubaflow {

/// Buffer of one direction of a relayed connection.
using pump_buffer = std::array<char, 64 * 1024>;

/// Passes every chunk on unchanged.
struct pass_all {
  bool operator()(const char*, size_t) const { return true; }
};

inline const pass_all& pass_all_instance() {
  static const pass_all instance;
  return instance;
}

/// Copies bytes from `from` to `to` until either side fails or closes, then
/// calls `owner->close()`. `owner` (a std::shared_ptr to the connection
/// object that owns both streams and the buffer) is kept alive by the
/// pending handlers. Each chunk read is shown to `inspect` (a callable
/// `bool(const char*, size_t)`, kept by reference: the owner holds it)
/// before it is written; false closes the connection instead. Any Asio
/// async streams: plain sockets or TLS streams.
template <class Owner, class From, class To, class Inspect = const pass_all>
void pump_bytes(std::shared_ptr<Owner> owner, From& from, To& to,
                pump_buffer& buffer, Inspect& inspect = pass_all_instance()) {
  from.async_read_some(
    boost::asio::buffer(buffer),
    [owner, &from, &to, &buffer, &inspect](boost::system::error_code ec,
                                           size_t n) {
      if (ec || !inspect(buffer.data(), n)) {
        owner->close();
        return;
      }
      boost::asio::async_write(
        to, boost::asio::buffer(buffer.data(), n),
        [owner, &from, &to, &buffer, &inspect](
          boost::system::error_code write_ec, size_t) {
          if (write_ec) {
            owner->close();
            return;
          }
          pump_bytes(owner, from, to, buffer, inspect);
        });
    });
}

} // namespace ubaflow
