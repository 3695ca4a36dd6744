"""Themes, events and the public programme; organisers create, publish, cancel and duplicate events."""
