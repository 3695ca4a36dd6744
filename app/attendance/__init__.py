"""Check-in on the day: QR codes, the desk's list and scanner, walk-ins, badges and sign-in sheets."""
