def only_the_public_api(endpoints, **kwargs):
    """The schema documents /api/v1/ only; Wagtail's internal admin API is not a contract."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
