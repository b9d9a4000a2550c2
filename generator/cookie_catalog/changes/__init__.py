"""Changes between two catalogs: ``diff`` of any two, ``history`` of a catalog in git."""
