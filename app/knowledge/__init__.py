"""Knowledge after the event: materials, the theme\x27s shelf (Praktijk en tools), work teams and their followers."""
