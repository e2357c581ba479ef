"""``/api/docs``: the REST API's OpenAPI schema as one plain HTML page.

Drawn here from the schema, with no script and nothing fetched from elsewhere (the usual
interactive docs load their code from a CDN, and the app calls no network).
"""

from __future__ import annotations

import html
import json
import re

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1f2937}code,pre{font-family:ui-monospace,monospace}"
    "section{border-top:1px solid #e5e7eb;padding:.5rem 0}"
    ".m{display:inline-block;min-width:3.5rem;font-weight:700}"
    "table{border-collapse:collapse}td,th{border:1px solid #e5e7eb;padding:.2rem .5rem;"
    "text-align:left;vertical-align:top}"
)


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _prose(text: str | None) -> str:
    """Escaped text with the schema's Markdown `code` and **bold** shown as such."""
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def _number(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _type(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s, components) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), components)}"
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _limits(schema: dict) -> str:
    names = {
        "minLength": "at least {} characters",
        "maxLength": "at most {} characters",
        "minimum": "at least {}",
        "maximum": "at most {}",
        "maxItems": "at most {} items",
    }
    found = [f.format(_number(schema[k])) for k, f in names.items() if k in schema]
    for option in schema.get("anyOf", []):
        found += [f.format(_number(option[k])) for k, f in names.items() if k in option]
    if "default" in schema and schema["default"] not in (None, [], ""):
        found.append(f"default {json.dumps(schema['default'])}")
    return f"({', '.join(found)})" if found else ""


def _fields(rows: list[tuple[str, dict, bool]], components: dict) -> str:
    if not rows:
        return ""
    cells = "".join(
        f"<tr><td><code>{_e(name)}</code>{' (required)' if required else ''}</td>"
        f"<td>{_e(_type(schema, components))}</td>"
        f"<td>{_prose(schema.get('description', ''))} {_e(_limits(schema))}</td></tr>"
        for name, schema, required in rows
    )
    return f"<table><tr><th>field</th><th>type</th><th>meaning</th></tr>{cells}</table>"


def _model_rows(name: str, components: dict) -> list[tuple[str, dict, bool]]:
    model = components.get(name, {})
    required = set(model.get("required", []))
    return [(k, v, k in required) for k, v in model.get("properties", {}).items()]


def docs_html(schema: dict) -> str:
    """The page for an OpenAPI schema (as FastAPI builds it)."""
    info = schema.get("info", {})
    components = schema.get("components", {}).get("schemas", {})
    out = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(info.get('title'))}"
        f"</title><style>{_STYLE}</style></head><body><h1>{_e(info.get('title'))}</h1>",
        "".join(f"<p>{_prose(p)}</p>" for p in (info.get("description") or "").split("\n\n")),
        "<p>The machine-readable schema: <a href='openapi.json'>openapi.json</a>.</p>",
    ]
    models: list[str] = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            out.append(
                f"<section><h2><span class='m'>{_e(method.upper())}</span> <code>{_e(path)}</code>"
                f" — {_e(op.get('summary', ''))}</h2><p>{_prose(op.get('description', ''))}</p>"
            )
            params = [
                (p["name"], {**p.get("schema", {}), **p}, p.get("required", False))
                for p in op.get("parameters", [])
            ]
            out.append(_fields(params, components))
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if body:
                name = _type(body.get("schema", {}), components)
                models.append(name)
                out.append(f"<p>JSON body: <a href='#{_e(name)}'>{_e(name)}</a></p>")
            codes = ", ".join(
                f"{_e(c)} {_e(r.get('description'))}" for c, r in op["responses"].items()
            )
            out.append(f"<p>Responses: {codes}</p></section>")
    seen: set[str] = set()
    while models:
        name = models.pop(0)
        if name in seen or name not in components:
            continue
        seen.add(name)
        rows = _model_rows(name, components)
        models += [_type(s.get("items", s), components) for _, s, _ in rows]
        out.append(
            f"<section id='{_e(name)}'><h3>{_e(name)}</h3>"
            f"<p>{_prose(components[name].get('description', ''))}</p>{_fields(rows, components)}"
            "</section>"
        )
    out.append("</body></html>")
    return "".join(out)
