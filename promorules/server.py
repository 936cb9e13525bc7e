"""The import path of `create_app` before the package was laid out by the flow; see `promorules.service.server`."""

from .service.server import create_app

__all__ = ["create_app"]
