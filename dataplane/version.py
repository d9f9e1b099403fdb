"""The agent's own version, reported at registration, in ``hello`` and at /status."""

from importlib import metadata


def _installed_version() -> str:
    # The distribution's version is the one source of truth; a source checkout that was never
    # installed still needs to report something honest.
    try:
        return metadata.version("konnectlite")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


AGENT_VERSION = _installed_version()
