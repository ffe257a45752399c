"""The JSON API of the mobile app, under /api/v1/: the customer space's use cases with a
personal token (`POST /api/v1/app/token`) instead of a session. The same `Space` scopes every
answer: another customer's document answers 404, a role's forbidden action 403."""
