"""Organiser accounts: login, roles and the permission checks every organiser page uses."""
