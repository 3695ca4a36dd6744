"""iCalendar: invitations in e-mails now; feeds later. Plain functions from models to text."""
