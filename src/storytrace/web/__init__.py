"""The local web app (``storytrace serve``): story list, story, article and outlet pages.

Needs the ``web`` extra (Starlette, Jinja2, uvicorn); import :mod:`storytrace.web.app` for
``create_app``. This package's own modules import nothing optional until then.
"""

INSTALL_HINT = "the web app needs its extra packages: pip install 'storytrace[web]'"
