"""What the host offers a plugin: a bounded log, the configuration the city granted, and the
host's licence engine. Nothing here reaches files, the network or personal data.

Inside a built plugin these call the WIT interface ``digifarm:plugin/host``. Outside one (a
plugin's own unit tests in plain Python) they use :data:`local`, a stand-in whose
``config`` and ``licenses`` a test sets and whose ``lines`` collect the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

try:  # Inside a component built by `digifarm-plugin build`.
    from wit_world.imports import host as _wit  # type: ignore[import-not-found]
except ImportError:  # Plain Python.
    _wit = None

LEVELS = ("debug", "info", "warn", "error")


@dataclass
class LicenseVerdict:
    """The host licence engine's verdict on an SPDX expression under the city's policy."""

    valid_expression: bool
    allowed: bool
    normalized: Optional[str]
    problems: List[str]


@dataclass
class LocalHost:
    """The stand-in used outside a component: set ``config`` and ``licenses`` in a test."""

    config: Dict[str, str] = field(default_factory=dict)
    #: expression → allowed; anything not listed is not allowed.
    licenses: Dict[str, bool] = field(default_factory=dict)
    lines: List[Tuple[str, str]] = field(default_factory=list)


local = LocalHost()


def log(level: str, message: str) -> None:
    """Appends a line to the plugin's log (bounded; it shows in the host's error messages).
    ``level``: ``"debug"``, ``"info"``, ``"warn"`` or ``"error"``."""
    if level not in LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LEVELS)}, not {level!r}")
    if _wit is None:
        local.lines.append((level, message))
        return
    _wit.log(getattr(_wit.Level, level.upper()), message)


def config(key: str) -> Optional[str]:
    """A configuration value the city granted this plugin in ``digifarm.toml``, or None.
    ``city.name`` is always there."""
    if _wit is None:
        return local.config.get(key)
    return _wit.config(key)


# The host's answers, by expression. A plugin instance serves one call and the city's policy
# does not change during it, so each expression crosses to the host once per call (a catalog
# uses a handful of licences); every caller gets its own verdict object.
_verdicts: Dict[str, Tuple[bool, bool, Optional[str], Tuple[str, ...]]] = {}


def check_license(expression: str) -> LicenseVerdict:
    """Checks an SPDX expression against the city's licence policy."""
    if _wit is None:
        allowed = local.licenses.get(expression, False)
        return LicenseVerdict(True, allowed, expression, [] if allowed else ["license-not-allowed: not in the test's list"])
    known = _verdicts.get(expression)
    if known is None:
        v = _wit.check_license(expression)
        known = (v.valid_expression, v.allowed, v.normalized, tuple(v.problems))
        _verdicts[expression] = known
    return LicenseVerdict(known[0], known[1], known[2], list(known[3]))
