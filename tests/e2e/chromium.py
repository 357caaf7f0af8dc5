"""How the browser tests start Chromium."""

from __future__ import annotations

# Headless Chromium as root, with no network: the background services' connections would be
# refused, so they are off.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
