"""Other programs' formats: importers (-> a catalog), exporters (a catalog ->), and the drift scan."""
