"""Attendance certificates: net contact hours, the certificate PDF, public verification,
revocation and reissue, sending them in bulk, and the attendance report for the registers."""
