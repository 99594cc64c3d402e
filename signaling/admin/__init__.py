"""The admin monitor: the live dashboard, its rows, the audit log and metrics."""
