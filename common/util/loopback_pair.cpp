#include "common/util/loopback_pair.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ubaflow {

namespace {

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
  int release() {
    int out = fd;
    fd = -1;
    return out;
  }
};

bool fail(std::string& error, const char* what) {
  error = std::string{"cannot make a loopback connection ("} + what
          + "): " + std::strerror(errno);
  return false;
}

} // namespace

bool make_loopback_pair(int& first, int& second, std::string& error) {
  fd_guard listener{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (listener.fd < 0)
    return fail(error, "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), length) != 0
      || ::listen(listener.fd, 8) != 0
      || ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address),
                       &length)
           != 0)
    return fail(error, "listen");
  fd_guard connecting{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (connecting.fd < 0)
    return fail(error, "socket");
  if (::connect(connecting.fd, reinterpret_cast<sockaddr*>(&address), length)
      != 0)
    return fail(error, "connect");
  sockaddr_in mine{};
  socklen_t mine_length = sizeof mine;
  if (::getsockname(connecting.fd, reinterpret_cast<sockaddr*>(&mine),
                    &mine_length)
      != 0)
    return fail(error, "getsockname");
  // The connection is complete in the backlog already; anything else that
  // raced into it is closed.
  for (int attempts = 0; attempts < 16; ++attempts) {
    pollfd ready{listener.fd, POLLIN, 0};
    if (::poll(&ready, 1, 1000) <= 0)
      break;
    sockaddr_in peer{};
    socklen_t peer_length = sizeof peer;
    fd_guard accepted{::accept4(listener.fd,
                                reinterpret_cast<sockaddr*>(&peer),
                                &peer_length, SOCK_CLOEXEC)};
    if (accepted.fd < 0)
      return fail(error, "accept");
    if (peer.sin_port != mine.sin_port
        || peer.sin_addr.s_addr != mine.sin_addr.s_addr)
      continue; // not ours
    const int on = 1;
    ::setsockopt(accepted.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    ::setsockopt(connecting.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    first = connecting.release();
    second = accepted.release();
    return true;
  }
  errno = ETIMEDOUT;
  return fail(error, "accept");
}

} // namespace ubaflow
