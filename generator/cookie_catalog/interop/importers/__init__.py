"""Readers of other cookie inventories that produce a catalog (``cookie-catalog import``)."""
