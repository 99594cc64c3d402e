"""The session worker: the one writer of a live session, its inbox, fan-out and logs."""
