"""Writers of what other tools read, from a validated catalog (``cookie-catalog export``)."""
