"""Type stubs of the native module ``digifarm._digifarm`` (hand-written; checked by
``tests/test_stubs.py`` against the module)."""

import datetime
import os
from typing import Any, Dict, Iterable, List, Literal, Optional, Tuple, Union, final

__version__: str
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

_JsonValue = Any
_Record = Dict[str, _JsonValue]
_Severity = Literal["error", "warning", "info"]
_SchemaKind = Literal["project", "partner", "offer", "config"]
_PolicyKind = Literal["osi", "fsf", "osi-or-fsf", "osi-and-fsf"]

class DigifarmError(Exception):
    """Base class of the errors digifarm raises (besides OSError and TypeError)."""

class CatalogError(DigifarmError, ValueError):
    """Records that do not form a valid catalog; ``diagnostics`` lists every problem."""

    diagnostics: List[Diagnostic]

@final
class Diagnostic:
    """One finding about a record or a catalog."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> _Severity: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def pointer(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def help(self) -> Optional[str]: ...
    @property
    def is_error(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Catalog:
    """A catalog: the city config, projects, partners and support offers."""

    @classmethod
    def from_records(
        cls,
        projects: Optional[Iterable[Dict[str, _JsonValue]]] = None,
        partners: Optional[Iterable[Dict[str, _JsonValue]]] = None,
        offers: Optional[Iterable[Dict[str, _JsonValue]]] = None,
        config: Optional[Dict[str, _JsonValue]] = None,
    ) -> Catalog: ...
    def validate(self, today: Optional[datetime.date] = None) -> List[Diagnostic]: ...
    def projects(self, *, include_private: bool = False) -> List[_Record]: ...
    def partners(self, *, include_private: bool = False) -> List[_Record]: ...
    def offers(self) -> List[_Record]: ...
    def help_wanted(self) -> List[Dict[str, Any]]: ...
    def rank(
        self,
        project_id: str,
        need_index: Optional[int] = None,
        top: int = 10,
        today: Optional[datetime.date] = None,
    ) -> List[Dict[str, Any]]: ...
    def assign(self, today: Optional[datetime.date] = None) -> Dict[str, Any]: ...
    def export(
        self,
        format: Literal["json", "jsonl", "csv", "markdown", "jsonld", "atom", "html", "publiccode"],
        out_dir: Union[str, "os.PathLike[str]"],
        *,
        lang: Optional[str] = None,
        include_private: bool = False,
        csv_dialect: Literal["excel", "rfc4180"] = "excel",
        force: bool = False,
        today: Optional[datetime.date] = None,
        skip_invalid: bool = False,
        publiccode_version: Literal["0", "0.7", "0.5", "0.4", "0.3", "0.2"] = "0",
        public_only: bool = False,
        base_url: Optional[str] = None,
    ) -> List[str]: ...
    @property
    def config(self) -> _Record: ...

def load_catalog(path: Union[str, "os.PathLike[str]"]) -> Catalog: ...
def validate_project(
    record: Dict[str, _JsonValue],
    /,
    *,
    config: Optional[Dict[str, _JsonValue]] = None,
    today: Optional[datetime.date] = None,
) -> List[Diagnostic]: ...
def validate_projects(
    records: Iterable[Dict[str, _JsonValue]],
    /,
    *,
    config: Optional[Dict[str, _JsonValue]] = None,
    today: Optional[datetime.date] = None,
) -> List[List[Diagnostic]]: ...
def schema(kind: _SchemaKind) -> Dict[str, Any]: ...

@final
class LicenseVerdict:
    """The verdict on one SPDX licence expression under a policy."""

    @property
    def input(self) -> str: ...
    @property
    def valid_expression(self) -> bool: ...
    @property
    def normalized(self) -> Optional[str]: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def findings(self) -> List[Diagnostic]: ...

@final
class NormalizedLicense:
    """Candidate SPDX expressions for a free-text licence."""

    @property
    def input(self) -> str: ...
    @property
    def candidates(self) -> List[Tuple[str, float]]: ...
    @property
    def ambiguous(self) -> bool: ...

def check_license(expr: str, policy: _PolicyKind = "osi-or-fsf") -> LicenseVerdict: ...
def normalize_license(text: str) -> NormalizedLicense: ...
