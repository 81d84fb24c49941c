"""The API documentation at /docs (Swagger UI), served entirely by this app.

FastAPI's default page loads Swagger UI from a public CDN, so on a machine without
that access (an intranet, a locked-down server) /docs is blank. The files come
instead from the `fastapi-offline` package, which ships Swagger UI's dist (5.x:
it renders the OpenAPI 3.1 documents FastAPI writes; licences: the package MIT,
Swagger UI Apache 2.0), mounted under /docs/assets.

The page is FastAPI's own `get_swagger_ui_html`, whose one inline script starts
Swagger UI: this page's Content-Security-Policy allows exactly that script by its
SHA-256, and nothing else inline. Swagger UI's online validator badge is switched
off, as it would call an outside service. ReDoc is not served.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import List

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from webapp.security_headers import content_security_policy

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(html: str) -> List[str]:
    """CSP sources for the page's inline scripts (those without `src`)."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def install_api_docs(app: FastAPI) -> None:
    """Adds /docs and its assets; the app must be built with `docs_url=None`."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="api-docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} · API documentation",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
        scripts = " ".join(["'self'", *inline_script_hashes(bytes(page.body).decode())])
        page.headers["Content-Security-Policy"] = content_security_policy(script_src=scripts)
        return page
