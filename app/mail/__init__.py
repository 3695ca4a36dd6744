"""The outbox: messages written in the same transaction as the change that causes them, and
a sender that delivers them over SMTP afterwards, retrying with back-off."""
