#include "common/transport/basp_message_check.hpp"

#include <caf/atom.hpp>

#include <string_view>
#include <vector>

namespace ubaflow {

namespace {

/// Forwarding stages and elements a legitimate message has: far more.
constexpr uint32_t max_stages = 16;
constexpr size_t max_type_names_bytes = 4096;
/// Error contexts nest messages; one level is all CAF's errors use.
constexpr int max_context_depth = 1;

/// Ran out of bytes: wait for more, or refuse a truncated whole payload.
struct out_of_bytes {};
/// The input is refused; `reason` says why.
struct refusal {
  std::string reason;
};

/// Reads CAF 0.17's binary encoding: big-endian integers, sizes as 7-bit
/// varints (little-endian groups, at most 32 bits).
class reader {
public:
  reader(const uint8_t* data, size_t n) : at_(data), end_(data + n) {}

  void skip(size_t n) {
    if (static_cast<size_t>(end_ - at_) < n)
      throw out_of_bytes{};
    at_ += n;
  }

  uint64_t integer(size_t bytes) {
    if (static_cast<size_t>(end_ - at_) < bytes)
      throw out_of_bytes{};
    uint64_t x = 0;
    for (size_t i = 0; i < bytes; ++i)
      x = (x << 8) | *at_++;
    return x;
  }

  uint32_t size() {
    uint64_t x = 0;
    for (int shift = 0;; shift += 7) {
      if (shift > 28)
        throw refusal{"a size longer than 32 bits"};
      const auto byte = static_cast<uint8_t>(integer(1));
      x |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        break;
    }
    if (x > UINT32_MAX)
      throw refusal{"a size longer than 32 bits"};
    return static_cast<uint32_t>(x);
  }

  std::string text(size_t limit) {
    const uint32_t n = size();
    if (n > limit)
      throw refusal{"a type list longer than " + std::to_string(limit)
                    + " bytes"};
    if (static_cast<size_t>(end_ - at_) < n)
      throw out_of_bytes{};
    std::string s(reinterpret_cast<const char*>(at_), n);
    at_ += n;
    return s;
  }

  void skip_text() { skip(size()); }

private:
  const uint8_t* at_;
  const uint8_t* end_;
};

constexpr uint64_t no_node = static_cast<uint64_t>(caf::atom(""));
constexpr uint64_t default_node = static_cast<uint64_t>(caf::atom("default"));

/// A node id: none, or CAF's default kind (process id, 20-byte host id).
void node_id(reader& in) {
  const uint64_t kind = in.integer(8);
  if (kind == no_node)
    return;
  if (kind != default_node)
    throw refusal{"a node id of a kind ubaflow's nodes never use"};
  in.skip(4 + 20);
}

/// An actor handle or address: actor id and node id.
void actor(reader& in) {
  in.skip(8);
  node_id(in);
}

std::vector<std::string_view> split_types(std::string_view names) {
  std::vector<std::string_view> out;
  // "@<>" alone is the empty message; otherwise "@<>+a+b".
  if (names == "@<>")
    return out;
  if (names.substr(0, 4) != "@<>+")
    throw refusal{"a message without CAF's type list"};
  names.remove_prefix(4);
  for (;;) {
    const auto plus = names.find('+');
    out.push_back(names.substr(0, plus));
    if (plus == std::string_view::npos)
      break;
    names.remove_prefix(plus + 1);
  }
  return out;
}

/// Fixed sizes of the scalar built-ins CAF can decode from any bytes.
int scalar_size(std::string_view t) {
  if (t == "@u8" || t == "@i8")
    return 1;
  if (t == "@u16" || t == "@i16")
    return 2;
  if (t == "@u32" || t == "@i32")
    return 4;
  if (t == "@u64" || t == "@i64" || t == "@atom" || t == "@timespan"
      || t == "@timestamp" || t == "@message_id")
    return 8;
  if (t == "@unit")
    return 0;
  return -1;
}

bool is_text(std::string_view t) { return t == "@str" || t == "@charbuf"; }

bool is_ubaflow_type(std::string_view t) {
  return t.substr(0, 9) == "ubaflow::" || t.substr(0, 21) == "std::vector<ubaflow::";
}

void message(reader& in, int depth);

/// An error: code, category, context message (only scalars and strings).
void error_value(reader& in, int depth) {
  in.skip(1 + 8);
  if (depth >= max_context_depth)
    throw refusal{"an error context nested deeper than CAF's own"};
  message(in, depth + 1);
}

/// Built-ins a message of ubaflow's may hold at the top level: handles,
/// string containers and CAF's own error, exit and down messages.
bool is_top_level_builtin(std::string_view t) {
  for (const char* name :
       {"@strvec", "@strset", "@strmap", "@actor", "@strong_actor_ptr",
        "@addr", "@weak_actor_ptr", "@actorvec", "@addrvec", "@node",
        "@error", "@exit", "@down"})
    if (t == name)
      return true;
  return false;
}

/// Whether a message at `depth` (0: the frame's, 1: an error's context)
/// may hold an element of type `t`.
bool allowed(std::string_view t, int depth) {
  if (scalar_size(t) >= 0 || is_text(t))
    return true;
  return depth == 0 && (is_ubaflow_type(t) || is_top_level_builtin(t));
}

/// Parses one element of an allowed built-in type; false for one of
/// ubaflow's types, whose layout is its own (parsing stops there).
bool element(reader& in, std::string_view t, int depth) {
  if (const int bytes = scalar_size(t); bytes >= 0) {
    in.skip(static_cast<size_t>(bytes));
  } else if (is_text(t)) {
    in.skip_text();
  } else if (t == "@strvec" || t == "@strset") {
    for (uint32_t n = in.size(); n > 0; --n)
      in.skip_text();
  } else if (t == "@strmap") {
    for (uint32_t n = in.size(); n > 0; --n) {
      in.skip_text();
      in.skip_text();
    }
  } else if (t == "@actorvec" || t == "@addrvec") {
    for (uint32_t n = in.size(); n > 0; --n)
      actor(in);
  } else if (t == "@node") {
    node_id(in);
  } else if (t == "@error") {
    error_value(in, depth);
  } else if (t == "@exit" || t == "@down") {
    actor(in);
    error_value(in, depth);
  } else if (is_top_level_builtin(t)) {
    actor(in); // @actor, @strong_actor_ptr, @addr, @weak_actor_ptr
  } else {
    return false; // ubaflow's
  }
  return true;
}

/// A message: type list, then the leading elements CAF's layout fixes.
void message(reader& in, int depth) {
  if (in.integer(2) != 0)
    throw refusal{"a message without type names"};
  const auto names = in.text(max_type_names_bytes);
  const auto types = split_types(names);
  // Every name first, so that none hides behind one not parsed.
  for (auto t : types)
    if (!allowed(t, depth))
      throw refusal{"a message holding " + std::string{t}
                    + (depth > 0 ? " in an error's context"
                                 : ", which ubaflow never sends")};
  for (auto t : types)
    if (!element(in, t, depth))
      return;
}

} // namespace

message_check check_message_payload(const uint8_t* data, size_t n, bool routed,
                                    bool complete) {
  reader in{data, n};
  try {
    if (routed) {
      node_id(in);
      node_id(in);
    }
    const uint32_t stages = in.size();
    if (stages > max_stages)
      return {message_verdict::refused,
              "a forwarding stack of " + std::to_string(stages) + " stages"};
    for (uint32_t i = 0; i < stages; ++i)
      actor(in);
    message(in, 0);
    return {message_verdict::accepted, {}};
  } catch (const out_of_bytes&) {
    if (complete)
      return {message_verdict::refused, "a message cut short"};
    return {message_verdict::need_more, {}};
  } catch (const refusal& r) {
    return {message_verdict::refused, r.reason};
  }
}

} // namespace ubaflow
