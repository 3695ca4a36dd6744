"""Showing a rendered mail in an organiser's preview frame (event messages, work-team updates)."""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def policy_for_mail(html: str) -> str:
    """The site's policy, plus exactly the inline styles of this mail (CSP 'unsafe-hashes'),
    so that the preview's frame shows the mail as a mail program would and nothing else."""
    from app import CONTENT_SECURITY_POLICY

    values = {unescape(value) for value in _STYLE_ATTRIBUTE.findall(html)}
    hashes = " ".join(
        sorted(
            f"'sha256-{base64.b64encode(hashlib.sha256(v.encode()).digest()).decode()}'"
            for v in values
        )
    )
    styles = f"style-src 'self' 'unsafe-hashes' {hashes}" if hashes else "style-src 'self'"
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", styles)
