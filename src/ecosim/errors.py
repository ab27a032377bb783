"""Every exception type of ecosim, in one leaf module (it imports nothing from ecosim).

Each error carries a message that is one clear line naming the file, the field, the value
and what is allowed; ``ecosim`` prints it as ``ecosim: error: ...`` and exits with status
2 (:mod:`ecosim.cli`). The modules that raise them re-export them where they were
defined before (e.g. :class:`ParameterError` from :mod:`ecosim.params`).

Hierarchy::

    ValueError
    ├── ParameterError        a parameter name or value the declaration does not allow
    ├── ScenarioError         a scenario file or override that cannot be used
    │   ├── ExperimentError   an experiment file that cannot be used
    │   ├── SensitivityError  a sensitivity analysis that cannot be run as asked
    │   ├── SweepDirError     a sweep directory that cannot be used as asked
    │   └── OutputError       an output folder or file that cannot be written
    └── HostError             a host that would expose the demo beyond this computer
    Exception
    └── CliError              any other command-line error, reported on one line
"""

from __future__ import annotations

__all__ = [
    "ParameterError",
    "ScenarioError",
    "ExperimentError",
    "SensitivityError",
    "SweepDirError",
    "OutputError",
    "HostError",
    "CliError",
    "CalibrationError",
]


class ParameterError(ValueError):
    """A parameter name or value that the declaration does not allow."""


class ScenarioError(ValueError):
    """A scenario file or override that cannot be used; the message is one clear line."""


class ExperimentError(ScenarioError):
    """An experiment file that cannot be used; the message is one clear line."""


class SensitivityError(ScenarioError):
    """A sensitivity analysis that cannot be run as asked; the message is one line."""


class CalibrationError(ScenarioError):
    """A calibration file or directory that cannot be used as asked; one line."""


class SweepDirError(ScenarioError):
    """A sweep directory that cannot be used as asked; the message is one line."""


class OutputError(ScenarioError):
    """An output folder or file that cannot be written (bad name, no permission, disk
    full); the message is one line naming the path and what is wrong."""


class HostError(ValueError):
    """A host that would expose the demo beyond this computer without being asked to."""


class CliError(Exception):
    """An error to report on one line."""
