"""What an importer hands back: the catalog it built and what it had to say about it."""

from __future__ import annotations

from dataclasses import dataclass, field

from cookie_catalog.catalog.model import PluginFile, ProductFile
from cookie_catalog.interop.catalog_writer import catalog_files


@dataclass
class Imported:
    product: ProductFile
    plugins: list[PluginFile]
    source: str  # shown in the files' header comment and in messages
    warnings: list[str] = field(default_factory=list)  # what was read but could not be kept
    normalised: int = 0  # durations whose text said nothing more than the catalog spelling
    noted: int = 0  # durations whose text was kept as duration_note

    @property
    def cookie_count(self) -> int:
        return sum(len(p.cookies) for p in self.plugins)

    def files(self) -> dict[str, bytes]:
        header = f"Imported from {self.source} by cookie-catalog; edit freely."
        return catalog_files(self.product, self.plugins, header=header)
