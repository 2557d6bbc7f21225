"""Template endpoints of the ES 7 test server: legacy _template, composable _index_template
and _component_template (GET / HEAD / PUT / DELETE). Validation and storage are
in templates.py.
"""
from .errors import EsError
from .indices import simple_match


class TemplateEndpoints:
    """The template routes.

    Mixin of http_handler.Handler: uses self.server (http_server.Server), self.command,
    self.params, self.body and the handler's _json_body / _bool_param helpers.
    Each h_<name> method serves the route of that name (routes.py) and returns
    (status, body[, headers, raw]) for Handler._send.
    """

    def _templates(self, store, name, render):
        """Templates whose names match name (a comma list with wildcards); None if a plain name is missing."""
        cluster = self.server.cluster
        with cluster.lock:
            found = {n: render(t) for n, t in sorted(store.items())
                     if name is None or any(simple_match(p, n) for p in name.split(","))}
        if name is not None and not found and "*" not in name:
            return None
        return found

    def h_get_template(self, name=None):
        c = self.server.cluster
        found = self._templates(c.templates, name, c.render_template)
        if found is None:
            return 404, {}
        return (200, None) if self.command == "HEAD" else (200, found)

    def h_put_template(self, name):
        self.server.cluster.put_template(name, self._json_body(required=True), self._bool_param("create"))
        return 200, {"acknowledged": True}

    def h_delete_template(self, name):
        c = self.server.cluster
        with c.lock:
            if name not in c.templates:
                raise EsError(404, "index_template_missing_exception", "index_template [%s] missing" % name)
            del c.templates[name]
        return 200, {"acknowledged": True}

    def h_get_index_template(self, name=None):
        c = self.server.cluster
        found = self._templates(c.index_templates, name, c.render_index_template)
        if found is None:
            if self.command == "HEAD":
                return 404, None
            raise EsError(404, "resource_not_found_exception", "index template matching [%s] not found" % name)
        if self.command == "HEAD":
            return 200, None
        return 200, {"index_templates": [{"name": n, "index_template": t} for n, t in found.items()]}

    def h_put_index_template(self, name):
        self.server.cluster.put_index_template(name, self._json_body(required=True), self._bool_param("create"))
        return 200, {"acknowledged": True}

    def h_delete_index_template(self, name):
        c = self.server.cluster
        with c.lock:
            if name not in c.index_templates:
                raise EsError(404, "index_template_missing_exception", "index_template [%s] missing" % name)
            del c.index_templates[name]
        return 200, {"acknowledged": True}

    def h_get_component_template(self, name=None):
        c = self.server.cluster
        found = self._templates(c.component_templates, name, lambda t: t)
        if found is None:
            raise EsError(404, "resource_not_found_exception", "component template matching [%s] not found" % name)
        return 200, {"component_templates": [{"name": n, "component_template": t} for n, t in found.items()]}

    def h_put_component_template(self, name):
        self.server.cluster.put_component_template(name, self._json_body(required=True))
        return 200, {"acknowledged": True}

    def h_delete_component_template(self, name):
        c = self.server.cluster
        with c.lock:
            if name not in c.component_templates:
                raise EsError(404, "resource_not_found_exception", "component_template [%s] not found" % name)
            del c.component_templates[name]
        return 200, {"acknowledged": True}
