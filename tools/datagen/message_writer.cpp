#include "tools/datagen/message_writer.hpp"

#include "common/time/civil.hpp"

#include <charconv>

namespace ubaflow {

namespace {

void append_int(std::string& out, int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, static_cast<size_t>(end - buf));
}

constexpr ts_shape rotation[] = {ts_shape::sql,        ts_shape::iso,
                                 ts_shape::iso_offset, ts_shape::utc_z,
                                 ts_shape::epoch_s,    ts_shape::epoch_ms};

} // namespace

std::optional<ts_shape> ts_shape_from_string(const std::string& text) {
  if (text == "sql")
    return ts_shape::sql;
  if (text == "iso")
    return ts_shape::iso;
  if (text == "iso-z")
    return ts_shape::iso_z;
  if (text == "iso-offset")
    return ts_shape::iso_offset;
  if (text == "utc-z")
    return ts_shape::utc_z;
  if (text == "epoch-s")
    return ts_shape::epoch_s;
  if (text == "epoch-ms")
    return ts_shape::epoch_ms;
  if (text == "mixed")
    return ts_shape::mixed;
  return std::nullopt;
}

message_writer::message_writer(time_zone zone, ts_shape shape, bool numeric_ids)
  : zone_(std::move(zone)), shape_(shape), numeric_ids_(numeric_ids) {
  // nop
}

void message_writer::append_ts(const user_event& e, ts_shape shape,
                               std::string& out) {
  char text[40];
  switch (shape) {
    case ts_shape::sql:
    case ts_shape::iso:
    case ts_shape::iso_z:
      out.push_back('"');
      write_sql_time(e.ts, text);
      if (shape != ts_shape::sql)
        text[10] = 'T';
      out.append(text, 19);
      if (shape == ts_shape::iso_z)
        out.push_back('Z');
      out.push_back('"');
      return;
    case ts_shape::iso_offset:
      out.push_back('"');
      out += format_iso_with_offset(e.ts, zone_.offset_at_local(e.ts));
      out.push_back('"');
      return;
    case ts_shape::utc_z:
      out.push_back('"');
      write_sql_time(zone_.to_instant(e.ts), text);
      text[10] = 'T';
      out.append(text, 19);
      out += "Z\"";
      return;
    case ts_shape::epoch_s:
      append_int(out, floor_div(zone_.to_instant(e.ts), ms_per_second));
      return;
    case ts_shape::epoch_ms:
      out.push_back('"');
      append_int(out, zone_.to_instant(e.ts));
      out.push_back('"');
      return;
    case ts_shape::mixed:
      append_ts(e, rotation[mixed_counter_++ % std::size(rotation)], out);
      return;
  }
}

void message_writer::json(const user_event& e, std::string& out) {
  out.clear();
  const char* q = numeric_ids_ ? "" : "\"";
  out += "{\"user_id\":";
  out += q;
  append_int(out, e.user_id);
  out += q;
  out += ",\"item_id\":";
  out += q;
  append_int(out, e.item_id);
  out += q;
  out += ",\"category_id\":";
  out += q;
  append_int(out, e.category_id);
  out += q;
  out += ",\"behavior\":\"";
  out += to_string(e.kind);
  out += "\",\"ts\":";
  append_ts(e, shape_, out);
  out.push_back('}');
}

void message_writer::csv(const user_event& e, std::string& out) {
  out.clear();
  append_int(out, e.user_id);
  out.push_back(',');
  append_int(out, e.item_id);
  out.push_back(',');
  append_int(out, e.category_id);
  out.push_back(',');
  out += to_string(e.kind);
  out.push_back(',');
  append_int(out, floor_div(zone_.to_instant(e.ts), ms_per_second));
}

void message_writer::malformed(const user_event& e, uint64_t variant,
                               std::string& out) {
  json(e, out);
  switch (variant % 7) {
    case 0: // truncated JSON
      out.resize(out.size() / 2);
      break;
    case 1: // missing field
      out = "{\"user_id\":\"" + std::to_string(e.user_id)
            + "\",\"behavior\":\"pv\",\"ts\":\"2017-11-26 10:00:00\"}";
      break;
    case 2: // id that is not a number
      out.replace(0, out.find(",\"item_id\""), "{\"user_id\":\"u-17\"");
      break;
    case 3: // unknown behaviour
      out.replace(out.find("\"behavior\":\"") + 12, 0, "x");
      break;
    case 4: // unparseable timestamp
      out = out.substr(0, out.find(",\"ts\":")) + ",\"ts\":\"yesterday\"}";
      break;
    case 5: // impossible date
      out = out.substr(0, out.find(",\"ts\":"))
            + ",\"ts\":\"2017-02-30 10:00:00\"}";
      break;
    default: // not JSON at all
      out = "user_id=" + std::to_string(e.user_id) + "&behavior=pv";
      break;
  }
}

} // namespace ubaflow
