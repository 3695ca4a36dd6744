"""Participants, registrations, the waiting list, the manage link and exports."""
