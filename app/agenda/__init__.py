"""Sessions, rooms, speakers, rondes, conflict checks, the timetable editor and workshop choice."""
