"""Models of the app (spec 000)."""
