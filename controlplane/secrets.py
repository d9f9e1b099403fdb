"""Bearer secrets: generated with a type prefix, stored only as a SHA-256 hash."""

import hashlib
import secrets

PAT_PREFIX = "kpat_"
REGISTRATION_PREFIX = "kdpr_"
NODE_CREDENTIAL_PREFIX = "kdpn_"


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(36)


def hash_secret(secret: str) -> str:
    # The secrets carry 288 random bits, so a plain digest is enough; no salt or stretching.
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[:10]
