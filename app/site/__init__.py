"""The werkplaats' own pages (contact, privacy, accessibility) and the language switch."""
