"""Custom validators for hosts, paths, names and tags, with Kong's error wording.

Each returns None when the value is valid, otherwise the message Kong would give.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote

_HOSTNAME_RE = re.compile(r"^[A-Za-z0-9\-._]+$")
_NAME_RE = re.compile(r"^[A-Za-z0-9.\-_~]+$")
_UTF8_NAME_RE = re.compile(r"^(?:[A-Za-z0-9.\-_~]|[^\x00-\x7f])+$")
_TAG_RE = re.compile(r"^[ !-+\-.0-~\u0080-\U0010ffff]+$")
_HEADER_RE = re.compile(r"^[A-Za-z0-9\-_]+$")
_PATH_CHARS_RE = re.compile(r"^/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$")
_PERCENT_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def parse_host(value: str) -> tuple[str, str, int | None] | str:
    """Split host[:port]; return (kind, host, port) or Kong's error string.

    kind is "ipv4", "ipv6" or "name", like Kong's utils.normalize_ip.
    """
    if value.startswith("["):
        match = re.match(r"^\[([^\]]+)\](?::(\d+))?$", value)
        if not match or not _is_ip(match.group(1), 6):
            return f"invalid value: {value}"
        return _with_port("ipv6", match.group(1), match.group(2))
    if value.count(":") > 1:
        return ("ipv6", value, None) if _is_ip(value, 6) else f"invalid value: {value}"
    host, _, port = value.partition(":")
    if _is_ip(host, 4):
        return _with_port("ipv4", host, port or None)
    if not _valid_hostname(host) or (port and not port.isdigit()):
        return f"invalid value: {value}"
    return _with_port("name", host, port or None)


def _with_port(kind: str, host: str, port: str | None) -> tuple[str, str, int | None] | str:
    if port is None:
        return kind, host, None
    if int(port) > 65535:
        return "invalid port number"
    return kind, host, int(port)


def _is_ip(value: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(value).version == version
    except ValueError:
        return False


def _valid_hostname(name: str) -> bool:
    if not _HOSTNAME_RE.match(name):
        return False
    labels = name.split(".")
    for index, label in enumerate(labels):
        # A trailing dot (FQDN) leaves one empty last label, which is allowed.
        if label == "" and index != len(labels) - 1:
            return False
        if label.endswith("-"):
            return False
    return True


def host(value: str) -> str | None:
    """Upstream host of a service: a name or IP, without a port."""
    parsed = parse_host(value)
    if parsed == "invalid port number":
        return "must not have a port"
    if isinstance(parsed, str):
        return f"invalid value: {value}"
    return "must not have a port" if parsed[2] is not None else None


def host_with_optional_port(value: str) -> str | None:
    parsed = parse_host(value)
    return parsed if isinstance(parsed, str) else None


def route_host(value: str) -> str | None:
    """A route host: optional port and a single wildcard at either end."""
    if value.count("*") > 1:
        return "invalid wildcard: must have at most one wildcard"
    if "*" in value and not (value.startswith("*.") or value.endswith(".*")):
        return "invalid wildcard: must be placed at leftmost or rightmost label"
    return host_with_optional_port(value.replace("*", "abc"))


def sni(value: str) -> str | None:
    parsed = parse_host(value)
    if parsed == "invalid port number":
        return "must not have a port"
    if isinstance(parsed, str):
        return f"invalid value: {value}"
    if parsed[0] != "name":
        return "must not be an IP"
    return "must not have a port" if parsed[2] is not None else None


def wildcard_sni(value: str) -> str | None:
    """An SNI that may carry one wildcard as its first or last character."""
    index = value.find("*")
    if index != -1:
        if index not in (0, len(value) - 1):
            return "wildcard must be leftmost or rightmost character"
        if value.count("*") > 1:
            return "only one wildcard must be specified"
    return sni(value.replace("*", "wildcard"))


def ip_or_cidr(value: str) -> str | None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"invalid ip or cidr range: '{value}'"
    return None


def name(value: str) -> str | None:
    if _NAME_RE.match(value):
        return None
    return f"invalid value '{value}': it must only contain alphanumeric and '., -, _, ~' characters"


def utf8_name(value: str) -> str | None:
    if _UTF8_NAME_RE.match(value):
        return None
    return (
        f"invalid value '{value}': the only accepted ascii characters are "
        "alphanumerics or ., -, _, and ~"
    )


def tag(value: str) -> str | None:
    if _TAG_RE.match(value):
        return None
    return (
        f"invalid tag '{value}': expected printable ascii (except `,` and `/`) "
        "or valid utf-8 sequences"
    )


def header_name(value: str) -> str | None:
    if _HEADER_RE.match(value):
        return None
    return f"bad header name '{value}', allowed characters are A-Z, a-z, 0-9, '_', and '-'"


def path(value: str) -> str | None:
    """A service path: RFC 3986 characters only, properly percent-encoded."""
    if "//" in value:
        return "must not have empty segments"
    if not _PATH_CHARS_RE.match(value):
        return (
            f"invalid path: '{value}' (characters outside of the reserved list of RFC 3986 found)"
        )
    return _percent_error(value)


def _percent_error(value: str) -> str | None:
    raw = _PERCENT_RE.sub("___", value)
    index = raw.find("%")
    if index == -1:
        return None
    return f"invalid url-encoded value: '{raw[index : index + 3]}'"


def router_path(value: str) -> str | None:
    """A route path: prefix paths must be normalized, regex paths must compile."""
    if not (value.startswith("/") or value.startswith("~/")):
        return "should start with: / (fixed path) or ~/ (regex path)"
    if "//" in value:
        return "must not have empty segments"
    if value.startswith("~"):
        return _regex_error(value[1:])
    percent = _percent_error(value)
    if percent:
        return percent
    normalized = normalize_path(value)
    if normalized != value:
        return f"non-normalized path, consider use '{normalized}' instead"
    return None


def _regex_error(pattern: str) -> str | None:
    # Python's re is close enough to PCRE once named groups use Python's spelling.
    problem = compile_error(re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern))
    if problem is None:
        return None
    return f"invalid regex: '{pattern}' (PCRE returned: {problem})"


def compile_error(pattern: str) -> str | None:
    """Why `pattern` does not compile as a regex, or None.

    The trap: besides re.error, compiling raises RecursionError for deeply nested groups
    and OverflowError for huge repeat counts; both are bad input, not server errors.
    """
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    except RecursionError:
        return "too many nested groups"
    except OverflowError as exc:
        return str(exc)
    return None


def normalize_path(value: str) -> str:
    """Decode unreserved percent-escapes, upper-case the rest, drop dot segments."""

    def fix(match: re.Match[str]) -> str:
        char = unquote(match.group(0))
        return char if char in _UNRESERVED else match.group(0).upper()

    decoded = _PERCENT_RE.sub(fix, value)
    output: list[str] = []
    segments = decoded.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output) or "/"
