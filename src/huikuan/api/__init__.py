"""The REST API for ERPs and other systems (django-ninja, OpenAPI 3 at /api/docs); see docs/api.md."""
