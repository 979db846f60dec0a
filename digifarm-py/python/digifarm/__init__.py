"""digifarm: catalogs of open-source civic-tech projects and the partners who support them.

Load a catalog directory (``digifarm.toml``, ``projects/``, ``partners/``, ``offers/``), or
build one from dicts, and validate it with the same checks and stable diagnostic codes as
the ``digifarm validate`` command; validate project records in bulk from Python.

>>> import digifarm
>>> [d.code for d in digifarm.validate_project({"id": "radwege", "name": "Radwege",
...     "summary": "Karte", "status": "live", "lifecycle": "proposed", "license": "GPL v3"})]
['license-invalid']
"""

from digifarm._digifarm import (
    CatalogError,
    Catalog,
    Diagnostic,
    DigifarmError,
    LicenseVerdict,
    NormalizedLicense,
    __version__,
    check_license,
    load_catalog,
    normalize_license,
    schema,
    validate_project,
    validate_projects,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "Diagnostic",
    "DigifarmError",
    "LicenseVerdict",
    "NormalizedLicense",
    "__version__",
    "check_license",
    "load_catalog",
    "normalize_license",
    "schema",
    "validate_project",
    "validate_projects",
]
