"""The activiteit as a whole: where the capabilities meet. Programme, registration and agenda
each keep their own rules; what one change means for all of them is spelled out here, as
direct calls a reader can follow, and so is what a visitor sees of an event."""
