"""Personal data: the registry of what is held and why, and keeping it no longer than promised."""
