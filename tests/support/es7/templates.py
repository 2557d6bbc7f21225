"""Index templates of the ES 7 test server: legacy _template, composable _index_template
and _component_template.

TemplateRegistry is a mixin of store.Cluster (it uses the cluster's lock and its
templates / index_templates / component_templates dicts): it validates and
stores templates, renders them for GET, and works out the settings and mappings
templates give a new index (a composable template wins by priority; otherwise
legacy templates are merged by order).
"""
import copy
import re

from . import mapping as mp
from .errors import EsError, illegal_argument, text_of, token_of, validation_failed
from .indices import flatten_settings, nest_settings, simple_match, validate_settings


class TemplateRegistry:
    """Template management of store.Cluster (mixin; state lives in the Cluster)."""

    def _template_for(self, name):
        """(settings, mappings) that templates give a new index called name."""
        composable = [(t.get("priority", 0), tname, t) for tname, t in self.index_templates.items()
                      if any(simple_match(p, name) for p in t["index_patterns"])]
        settings, mappings = {}, {}
        if composable:
            _, _, best = max(composable, key=lambda x: (x[0], x[1]))
            parts = [self.component_templates[c].get("template", {}) for c in best.get("composed_of", [])
                     if c in self.component_templates] + [best.get("template", {})]
            for part in parts:
                settings.update(part.get("settings", {}))
                mappings = mp.merge(mappings, part.get("mappings") or {})
            return settings, mappings
        legacy = sorted((t.get("order", 0), tname, t) for tname, t in self.templates.items()
                        if any(simple_match(p, name) for p in t["index_patterns"]))
        for _, _, tmpl in legacy:
            settings.update(tmpl.get("settings", {}))
            mappings = mp.merge(mappings, tmpl.get("mappings") or {})
        return settings, mappings

    @staticmethod
    def _check_template_name(kind, name, patterns):
        def bad(why):
            return EsError(400, "invalid_index_template_exception", "%s [%s] invalid, cause [%s]" % (kind, name, why))
        if " " in name:
            raise bad("name must not contain a space")
        if "," in name:
            raise bad("name must not contain a ','")
        if "#" in name:
            raise bad("name must not contain a '#'")
        if name.startswith("_"):
            raise bad("name must not start with '_'")
        if name.lower() != name:
            raise bad("name must be lower cased")
        for pattern in patterns:
            for ch, why in ((" ", "a space"), (",", "a ','"), ("#", "a '#'"), (":", "a ':'")):
                if ch in pattern:
                    raise bad("index_pattern [%s] must not contain %s" % (pattern, why))
            if pattern.startswith("_"):
                raise bad("index_pattern [%s] must not start with '_'" % pattern)

    @staticmethod
    def _patterns(body):
        patterns = body.get("index_patterns")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not patterns:
            raise validation_failed(["index patterns are missing"])
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise EsError(400, "parse_exception", "Malformed [index_patterns] value, should be a list of strings")
        return patterns

    @staticmethod
    def _int(body, key, default):
        value = body.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not re.fullmatch(r"-?\d+", str(value)):
            raise EsError(400, "parse_exception", "failed to parse [%s] value [%s] as an integer" % (key, text_of(value)))
        return int(value)

    def put_template(self, name, body, create=False):
        if not isinstance(body, dict):
            raise EsError(400, "parse_exception", "request body is required")
        for key in body:
            if key not in ("index_patterns", "order", "version", "settings", "mappings", "aliases"):
                raise EsError(400, "parse_exception", "unknown key [%s] in the template " % key)
        patterns = self._patterns(body)
        self._check_template_name("index_template", name, patterns)
        tmpl = {"order": self._int(body, "order", 0), "index_patterns": patterns}
        if body.get("version") is not None:
            tmpl["version"] = self._int(body, "version", None)
        tmpl["settings"] = flatten_settings(body.get("settings"))
        validate_settings(tmpl["settings"])
        tmpl["mappings"] = copy.deepcopy(mp.validate_mapping(body.get("mappings")))
        tmpl["aliases"] = body.get("aliases") or {}
        with self.lock:
            if create and name in self.templates:
                raise illegal_argument("index_template [%s] already exists" % name)
            self.templates[name] = tmpl

    def render_template(self, tmpl):
        out = dict(tmpl)
        out["settings"] = nest_settings(tmpl["settings"])
        return out

    def put_index_template(self, name, body, create=False):
        if not isinstance(body, dict):
            raise EsError(400, "parse_exception", "request body is required")
        allowed = ("index_patterns", "template", "composed_of", "priority", "version", "_meta",
                   "data_stream", "allow_auto_create")
        for key in body:
            if key not in allowed:
                raise EsError(400, "x_content_parse_exception", "[1:2] [index_template] unknown field [%s]" % key)
        patterns = self._patterns(body)
        self._check_template_name("index_template", name, patterns)
        if body.get("data_stream") is not None:
            raise illegal_argument("[es7_server] data streams are not supported by the test server")
        priority = self._int(body, "priority", 0)
        if priority is not None and priority < 0:
            raise validation_failed(["index template priority must be >= 0"])
        template = self._template_part(body.get("template"), "template")
        composed = body.get("composed_of") or []
        missing = [c for c in composed if c not in self.component_templates]
        if missing:
            raise illegal_argument("index template [%s] specifies component templates %s that do not exist"
                                   % (name, "[" + ", ".join(missing) + "]"))
        with self.lock:
            if create and name in self.index_templates:
                raise illegal_argument("index template [%s] already exists" % name)
            for other, tmpl in self.index_templates.items():
                if other == name or tmpl.get("priority", 0) != (priority or 0):
                    continue
                if any(simple_match(a, b.replace("*", "x")) or simple_match(b, a.replace("*", "x"))
                       for a in patterns for b in tmpl["index_patterns"]):
                    raise illegal_argument(
                        "index template [%s] has index patterns %s matching patterns from existing templates "
                        "[%s] with patterns (%s => %s) that have the same priority [%d], multiple index "
                        "templates may not match during index creation, please use a different priority"
                        % (name, "[" + ", ".join(patterns) + "]", other, other,
                           "[" + ", ".join(tmpl["index_patterns"]) + "]", priority or 0))
            stored = {"index_patterns": patterns, "template": template, "composed_of": composed}
            if "priority" in body:
                stored["priority"] = priority
            for key in ("version", "_meta", "allow_auto_create"):
                if key in body:
                    stored[key] = body[key]
            self.index_templates[name] = stored

    def _template_part(self, part, where):
        if part is None:
            return {}
        if not isinstance(part, dict):
            raise EsError(400, "x_content_parse_exception", "[1:2] [%s] template doesn't support values of "
                          "type: %s" % (where, token_of(part)))
        for key in part:
            if key not in ("settings", "mappings", "aliases"):
                raise EsError(400, "x_content_parse_exception", "[1:2] [template] unknown field [%s]" % key)
        out = {}
        if "settings" in part:
            out["settings"] = flatten_settings(part["settings"])
            validate_settings(out["settings"])
        if "mappings" in part:
            out["mappings"] = copy.deepcopy(mp.validate_mapping(part["mappings"]))
        if "aliases" in part:
            out["aliases"] = part["aliases"]
        return out

    def put_component_template(self, name, body):
        if not isinstance(body, dict) or "template" not in body:
            raise EsError(400, "x_content_parse_exception", "Required [template]")
        for key in body:
            if key not in ("template", "version", "_meta"):
                raise EsError(400, "x_content_parse_exception", "[1:2] [component_template] unknown field [%s]" % key)
        stored = {"template": self._template_part(body["template"], "component_template")}
        for key in ("version", "_meta"):
            if key in body:
                stored[key] = body[key]
        with self.lock:
            self.component_templates[name] = stored

    def render_index_template(self, tmpl):
        out = copy.deepcopy(tmpl)
        if "settings" in out["template"]:
            out["template"]["settings"] = nest_settings(out["template"]["settings"])
        return out
