"""Walking the URL configuration: every pattern, and our DRF routes with their methods."""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView


def url_patterns(patterns=None, prefix="", namespace=None):
    """(route text, view name, callback) of every URL pattern, namespaces included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace if entry.namespace else None
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern):
            if "(?P<format>" in str(entry.pattern):
                continue  # DRF's format-suffix copies of the same routes
            callback = entry.callback
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                name = f"{callback.__module__}.{getattr(callback, '__name__', '')}"
                view_class = getattr(callback, "view_class", None)
                if view_class is not None:
                    name = f"{view_class.__module__}.{view_class.__name__}"
            yield prefix + str(entry.pattern), name, callback


def is_drf(callback) -> bool:
    view_class = getattr(callback, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def drf_methods(callback) -> dict[str, str | None]:
    """HTTP method -> viewset action (None for a plain APIView) of a DRF route."""
    if getattr(callback, "actions", None):
        # DRF adds "head" to this mapping on the first GET: keep the methods the route declares.
        return {m: a for m, a in callback.actions.items() if m in ("get", "post", "put", "patch", "delete")}
    return {m: None for m in ("get", "post", "put", "patch", "delete") if hasattr(callback.cls, m)}


def drf_routes(prefixes=("api/", "ops/")):
    """Our DRF routes (the API, the schema, diagnostics): view name -> (route, callback)."""
    seen = {}
    for route, name, callback in url_patterns():
        if is_drf(callback) and route.startswith(prefixes) and name not in seen:
            seen[name] = (route, callback)
    return seen
