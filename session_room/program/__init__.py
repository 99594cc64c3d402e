"""The mentoring program's pure domain: people, pairs and their cadence, goals, the
carry-over from one session to the next, and the program's metrics. No I/O."""
