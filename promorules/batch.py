"""The import path of `run_batch` before the package was laid out by the flow; see `promorules.service.batch`."""

from .service.batch import run_batch

__all__ = ["run_batch"]
