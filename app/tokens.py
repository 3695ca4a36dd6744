"""Secrets in links: 256 random bits, of which only the SHA-256 is stored, so a copy of the
database opens no personal page or feed."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
