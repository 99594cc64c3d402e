"""Several nodes on one Redis (node registry, placement, failover) and TURN credentials."""
