from app.registration import listing


def waitlist(event) -> list[tuple[str, int]]:
    """(name, position) of everyone waiting, in order."""
    return [
        (r.participant.name, r.waitlist_position)
        for r in listing.registrations_for(event, "waitlisted")
    ]
