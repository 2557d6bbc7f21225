"""Date parsing as Elasticsearch 7 does it for `date` fields (java.time based formats).

A format string may join several formats with "||"; each is tried in order.
Supported: the named formats listed in NAMED plus epoch_millis / epoch_second,
and custom java.time patterns built from the letters y u M d H h k K m s S a E Z X x,
'quoted literals' and [optional sections]. Parsing is strict: the whole value
must match, fields have the widths the pattern gives (MM = exactly two digits)
and impossible dates (2017-02-30, hour 24) are rejected. A value without an
offset is UTC. Results are epoch milliseconds.
"""
import datetime
import functools
import re

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class DateFormatError(ValueError):
    """The format itself is invalid (or uses something this server does not support)."""


class DateParseError(ValueError):
    """A value does not match the format."""


# Named formats. Group names are the field kinds understood by _to_millis.
_ZONE = r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)"
_FRAC = r"(?:[.,](?P<fraction>\d{1,9}))"


def _optional_time(d2, year):
    return (r"(?P<year>%s)(?:-(?P<month>%s)(?:-(?P<day>%s))?)?"
            r"(?:T(?:(?P<hour>%s)(?::(?P<minute>%s)(?::(?P<second>%s)%s?)?)?%s?)?)?"
            % (year, d2, d2, d2, d2, d2, _FRAC, _ZONE))


_DATE = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
_HMS = r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
NAMED = {
    "strict_date_optional_time": _optional_time(r"\d{2}", r"\d{4}"),
    "strict_date_optional_time_nanos": _optional_time(r"\d{2}", r"\d{4}"),
    "date_optional_time": _optional_time(r"\d{1,2}", r"\d{1,4}"),
    "strict_date_time": _DATE + "T" + _HMS + _FRAC + _ZONE,
    "strict_date_time_no_millis": _DATE + "T" + _HMS + _ZONE,
    "strict_date_hour_minute_second": _DATE + "T" + _HMS,
    "strict_date_hour_minute_second_millis": _DATE + "T" + _HMS + r"\.(?P<fraction>\d{3})",
    "strict_date_hour_minute_second_fraction": _DATE + "T" + _HMS + r"\.(?P<fraction>\d{1,9})",
    "strict_date_hour_minute": _DATE + r"T(?P<hour>\d{2}):(?P<minute>\d{2})",
    "strict_date_hour": _DATE + r"T(?P<hour>\d{2})",
    "strict_date": _DATE,
    "strict_year_month_day": _DATE,
    "strict_year_month": r"(?P<year>\d{4})-(?P<month>\d{2})",
    "strict_year": r"(?P<year>\d{4})",
    "strict_hour_minute_second": _HMS,
    "strict_hour_minute": r"(?P<hour>\d{2}):(?P<minute>\d{2})",
    "basic_date": r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})",
    "basic_date_time": r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})T(?P<hour>\d{2})"
                       r"(?P<minute>\d{2})(?P<second>\d{2})\.(?P<fraction>\d{1,9})" + _ZONE,
    "basic_date_time_no_millis": r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})T(?P<hour>\d{2})"
                                 r"(?P<minute>\d{2})(?P<second>\d{2})" + _ZONE,
}
# The lenient (non strict_) names: treated like their strict forms.
for _name in list(NAMED):
    if _name.startswith("strict_") and _name[7:] not in NAMED:
        NAMED[_name[7:]] = NAMED[_name]

_EPOCH_RE = {
    "epoch_millis": re.compile(r"(-)?(\d{1,19})(?:\.(\d{1,6}))?"),
    "epoch_second": re.compile(r"(-)?(\d{1,19})(?:\.(\d{1,9}))?"),
}

_JAVA_LETTERS = set("GuyDMLdQqYwWEecFahKkHmsSAnNVzOXxZp")


def _letter(c, n, pattern):
    def width(n_max=2):
        if n == 1:
            return r"\d{1,2}"
        if n == 2:
            return r"\d{2}"
        raise DateFormatError("Too many pattern letters: %s" % c)

    if c in "yu":
        if n == 2:
            return r"\d{2}", "year2"
        return r"\d{%d,9}" % n, "year"
    if c == "M":
        if n <= 2:
            return width(), "month"
        if n == 3:
            return "(?:%s)" % "|".join(m[:3] for m in MONTHS), "month_text"
        if n == 4:
            return "(?:%s)" % "|".join(MONTHS), "month_text"
        raise DateFormatError("Too many pattern letters: M")
    kinds = {"d": "day", "H": "hour", "m": "minute", "s": "second",
             "h": "hour12", "k": "hour_k", "K": "hour_K"}
    if c in kinds:
        return width(), kinds[c]
    if c == "S":
        return r"\d{%d}" % n, "fraction"
    if c == "a":
        return "(?:AM|PM)", "ampm"
    if c == "E":
        if n <= 3:
            return "(?:%s)" % "|".join(d[:3] for d in DAYS), "dow"
        if n == 4:
            return "(?:%s)" % "|".join(DAYS), "dow"
    if c == "Z":
        if n <= 3:
            return r"[+-]\d{4}", "offset"
        if n == 5:
            return r"Z|[+-]\d{2}:\d{2}", "offset"
    if c in "Xx":
        z = "Z|" if c == "X" else ""
        forms = {1: r"[+-]\d{2}(?:\d{2})?", 2: r"[+-]\d{4}", 3: r"[+-]\d{2}:\d{2}",
                 4: r"[+-]\d{4}(?:\d{2})?", 5: r"[+-]\d{2}:\d{2}(?::\d{2})?"}
        if n in forms:
            return "(?:%s%s)" % (z, forms[n]), "offset"
    if c in _JAVA_LETTERS:
        raise DateFormatError("pattern letter [%s] (x%d) in [%s] is not supported by the "
                              "es7_server test server" % (c, n, pattern))
    raise DateFormatError("Unknown pattern letter: %s" % c)


def _compile_pattern(pattern):
    """Translate a java.time pattern into (regex, {group: kind})."""
    parts, kinds, depth, i, n = [], {}, 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "'":
            j, lit = i + 1, ""
            if j < n and pattern[j] == "'":
                parts.append("'")
                i += 2
                continue
            while True:
                if j >= n:
                    raise DateFormatError("Pattern ends with an incomplete string literal: " + pattern)
                if pattern[j] == "'":
                    if j + 1 < n and pattern[j + 1] == "'":
                        lit += "'"
                        j += 2
                        continue
                    break
                lit += pattern[j]
                j += 1
            parts.append(re.escape(lit))
            i = j + 1
        elif c == "[":
            parts.append("(?:")
            depth += 1
            i += 1
        elif c == "]":
            if depth == 0:
                raise DateFormatError("Pattern invalid as it contains ] without previous [")
            parts.append(")?")
            depth -= 1
            i += 1
        elif c.isascii() and c.isalpha():
            j = i
            while j < n and pattern[j] == c:
                j += 1
            regex, kind = _letter(c, j - i, pattern)
            name = "g%d" % len(kinds)
            kinds[name] = kind
            parts.append("(?P<%s>%s)" % (name, regex))
            i = j
        elif c in "#{}":
            raise DateFormatError("Pattern includes reserved character: '%s'" % c)
        else:
            parts.append(re.escape(c))
            i += 1
    if depth:
        raise DateFormatError("Pattern invalid as it contains [ without matching ]")
    return re.compile("".join(parts)), kinds


def _offset_minutes(text):
    if text in (None, "Z"):
        return 0
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 18 or minutes > 59:
        raise DateParseError("Zone offset out of range: " + text)
    return sign * (hours * 60 + minutes)


def _to_millis(f):
    year = f.get("year")
    year = int(year) if year is not None else (2000 + int(f["year2"]) if f.get("year2") else 1970)
    if f.get("month_text"):
        month = [m.lower().startswith(f["month_text"].lower()) for m in MONTHS].index(True) + 1
    else:
        month = int(f.get("month") or 1)
    day = int(f.get("day") or 1)
    if f.get("hour12") is not None:
        hour = int(f["hour12"])
        if not 1 <= hour <= 12:
            raise DateParseError("Invalid value for ClockHourOfAmPm: %d" % hour)
        hour = hour % 12 + (12 if f.get("ampm") == "PM" else 0)
    elif f.get("hour_k") is not None:
        hour = int(f["hour_k"])
        if not 1 <= hour <= 24:
            raise DateParseError("Invalid value for ClockHourOfDay: %d" % hour)
        hour %= 24
    elif f.get("hour_K") is not None:
        hour = int(f["hour_K"]) + (12 if f.get("ampm") == "PM" else 0)
    else:
        hour = int(f.get("hour") or 0)
    minute, second = int(f.get("minute") or 0), int(f.get("second") or 0)
    frac = f.get("fraction") or ""
    nanos = int((frac + "000000000")[:9]) if frac else 0
    try:
        dt = datetime.datetime(year, month, day, hour, minute, second, tzinfo=_UTC)
    except ValueError as exc:
        raise DateParseError(str(exc))
    delta = dt - _EPOCH
    millis = (delta.days * 86400 + delta.seconds) * 1000 + nanos // 1000000
    return millis - _offset_minutes(f.get("offset")) * 60000


class _Regex:
    def __init__(self, regex, kinds=None):
        self.regex = re.compile(regex) if isinstance(regex, str) else regex
        self.kinds = kinds

    def parse(self, text):
        m = self.regex.fullmatch(text)
        if not m:
            raise DateParseError("Text '%s' could not be parsed" % text)
        if self.kinds is None:
            fields = m.groupdict()
        else:
            fields = {}
            for group, kind in self.kinds.items():
                if m.group(group) is not None and fields.get(kind) is None:
                    fields[kind] = m.group(group)
        return _to_millis(fields)


class _Epoch:
    def __init__(self, name):
        self.name = name
        self.regex = _EPOCH_RE[name]

    def parse(self, text):
        m = self.regex.fullmatch(text)
        if not m:
            raise DateParseError("failed to parse date field [%s] with format [%s]" % (text, self.name))
        sign = -1 if m.group(1) else 1
        whole = int(m.group(2))
        frac = m.group(3) or ""
        if self.name == "epoch_second":
            nanos = int((frac + "000000000")[:9]) if frac else 0
            value = whole * 1000 + nanos // 1000000
        else:
            value = whole
        if value > 2 ** 63 // 1000000:
            raise DateParseError("Instant exceeds minimum or maximum instant")
        return sign * value


def _camel_to_snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _compile_one(part):
    if part in _EPOCH_RE:
        return _Epoch(part)
    if part in NAMED:
        return _Regex(NAMED[part])
    if re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", part) and _camel_to_snake(part) in NAMED:
        return _Regex(NAMED[_camel_to_snake(part)])
    regex, kinds = _compile_pattern(part)
    return _Regex(regex, kinds)


class DateFormatter:
    """A parsed ES format string such as "yyyy-MM-dd HH:mm:ss||epoch_millis"."""

    def __init__(self, spec):
        if not isinstance(spec, str) or not spec.strip():
            raise DateFormatError("Invalid format: [%s]: format must not be empty" % spec)
        self.spec = spec
        self.parsers = []
        for part in spec.split("||"):
            if not part:
                raise DateFormatError("Invalid format: [%s]: empty format in list" % spec)
            try:
                self.parsers.append(_compile_one(part))
            except DateFormatError as exc:
                raise DateFormatError("Invalid format: [%s]: %s" % (spec, exc))

    def parse(self, text):
        """Epoch millis for text, or DateParseError."""
        for parser in self.parsers:
            try:
                return parser.parse(text)
            except DateParseError:
                continue
        raise DateParseError("failed to parse date field [%s] with format [%s]" % (text, self.spec))


DEFAULT_FORMAT = "strict_date_optional_time||epoch_millis"
DEFAULT_DYNAMIC_FORMATS = [DEFAULT_FORMAT, "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis"]


@functools.lru_cache(maxsize=256)
def formatter(spec):
    """Cached DateFormatter for spec (raises DateFormatError)."""
    return DateFormatter(spec)


_NOW = re.compile(r"now((?:[+-]\d+[yMwdhHms])*)(?:/([yMwdhHms]))?")


def parse_query_date(text, spec=None):
    """A date in a range query: a value in the field's format, or simple date math on now."""
    m = _NOW.fullmatch(text)
    if not m:
        return formatter(spec or DEFAULT_FORMAT).parse(text)
    now = datetime.datetime.now(_UTC)
    for sign, amount, unit in re.findall(r"([+-])(\d+)([yMwdhHms])", m.group(1)):
        amount = int(amount) * (1 if sign == "+" else -1)
        if unit in "yM":
            months = now.month - 1 + amount * (12 if unit == "y" else 1)
            now = now.replace(year=now.year + months // 12, month=months % 12 + 1)
        else:
            seconds = {"w": 604800, "d": 86400, "h": 3600, "H": 3600, "m": 60, "s": 1}[unit]
            now += datetime.timedelta(seconds=amount * seconds)
    unit = m.group(2)
    if unit:
        cut = {"y": dict(month=1, day=1, hour=0, minute=0, second=0),
               "M": dict(day=1, hour=0, minute=0, second=0),
               "d": dict(hour=0, minute=0, second=0), "h": dict(minute=0, second=0),
               "H": dict(minute=0, second=0), "m": dict(second=0), "s": {}, "w": {}}[unit]
        now = now.replace(microsecond=0, **cut)
        if unit == "w":
            now = (now - datetime.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0)
    delta = now - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
