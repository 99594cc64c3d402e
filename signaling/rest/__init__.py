"""REST routers (OpenAPI at ``/docs``): sessions and invites, board, attendance,
progress, admin, and the one place that turns tokens into HTTP errors."""
