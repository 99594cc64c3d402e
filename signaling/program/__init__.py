"""The mentoring program at the edge: people and sign-in, pairs and their schedule,
goals, threads, the home page, program metrics and webhooks (REST, storage access)."""
