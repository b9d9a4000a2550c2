"""What changed between two catalogs: cookies and plugins added, removed and changed.

``diff_catalogs`` is pure: it compares two validated catalogs and returns frozen
values, so the ``diff`` command, the site's Changes page and tests all see the
same answer. Values are compared as catalog text (a duration as ``2 years``, a
date as ``2020-04-15``) because that is what an editor wrote and a reader sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from cookie_catalog.catalog.model import Catalog, CookieEntry, Note, Plugin, Transfer
from cookie_catalog.render.pages import Renderer

PRODUCT_FIELDS = ("product", "title", "version", "updated", "effective", "contact", "intro", "notes")
PLUGIN_FIELDS = ("description", "notes")
COOKIE_FIELDS = (
    "purpose",
    "duration",
    "provenance",
    "category",
    "condition",
    "pattern",
    "duration_note",
    # What a regulator reads (docs/lint.md): a changed legal basis or a new transfer is a change of the policy.
    "third_party_access",
    "legal_basis",
    "data_categories",
    "retention",
    "lifetime_refreshed",
    "country",
    "transfers",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None  # None when the field was not set
    new: str | None


@dataclass(frozen=True)
class CookieChange:
    cookie: CookieEntry  # as it is now; its identity (name, domain, storage) is unchanged
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PluginDiff:
    """One plugin's changes. An added plugin has no ``old_title`` and all its
    cookies added; a removed one has no ``title`` and all its cookies removed."""

    title: str | None
    old_title: str | None
    fields: tuple[FieldChange, ...] = ()
    added: tuple[CookieEntry, ...] = ()
    removed: tuple[CookieEntry, ...] = ()
    changed: tuple[CookieChange, ...] = ()

    @property
    def status(self) -> str:
        if self.old_title is None:
            return "added"
        if self.title is None:
            return "removed"
        return "renamed" if self.title != self.old_title else "changed"


@dataclass(frozen=True)
class CatalogDiff:
    product: tuple[FieldChange, ...]
    plugins: tuple[PluginDiff, ...]  # only plugins with a change, in the new catalog's order

    @property
    def is_empty(self) -> bool:
        return not self.product and not self.plugins


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    """Compare ``old`` with ``new``.

    Plugins are matched by title; a plugin whose title changed but whose file
    did not is a rename, so its cookies are compared rather than all listed as
    removed and added again. Cookies are matched by (name, domain, storage),
    the identity the loader enforces within a plugin.
    """
    old_by_title = {p.title: p for p in old.plugins}
    new_titles = {p.title for p in new.plugins}
    gone = {p.source: p for p in old.plugins if p.title not in new_titles}
    plugins: list[PluginDiff] = []
    for plugin in new.plugins:
        before = old_by_title.get(plugin.title) or gone.pop(plugin.source, None)
        change = _plugin_diff(before, plugin) if before else PluginDiff(plugin.title, None, added=_entries(plugin))
        if change != PluginDiff(plugin.title, plugin.title):  # i.e. not the same plugin, unchanged
            plugins.append(change)
    plugins += [PluginDiff(None, p.title, removed=_entries(p)) for p in gone.values()]
    return CatalogDiff(_fields(old.product, new.product, PRODUCT_FIELDS), tuple(plugins))


def _plugin_diff(old: Plugin, new: Plugin) -> PluginDiff:
    before = {e.identity: e for e in _entries(old)}
    after = {e.identity: e for e in _entries(new)}
    changed = tuple(
        CookieChange(entry, fields)
        for key, entry in after.items()
        if key in before and (fields := _fields(before[key], entry, COOKIE_FIELDS))
    )
    return PluginDiff(
        new.title,
        old.title,
        fields=_fields(old, new, PLUGIN_FIELDS),
        added=tuple(e for k, e in after.items() if k not in before),
        removed=tuple(e for k, e in before.items() if k not in after),
        changed=changed,
    )


def _entries(plugin: Plugin) -> tuple[CookieEntry, ...]:
    return tuple(c.entry for c in plugin.cookies)


def _fields(old: object, new: object, names: tuple[str, ...]) -> tuple[FieldChange, ...]:
    pairs = ((name, _text(getattr(old, name)), _text(getattr(new, name))) for name in names)
    return tuple(FieldChange(name, a, b) for name, a, b in pairs if a != b)


def _text(value: object) -> str | None:
    """A field's value as catalog text; a list as one line per item (``_item``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "\n".join(_item(item) for item in value) or None
    return str(value)


def _item(item: object) -> str:
    """One item of a list field: a note as ``kind: text``, a transfer as ``country: safeguard``, text as itself."""
    if isinstance(item, Note):
        return f"{item.kind}: {item.text}"
    if isinstance(item, Transfer):
        return f"{item.country}: {item.safeguard or 'no safeguard'}"
    return str(item)


def as_dict(diff: CatalogDiff) -> dict:
    """The diff as plain data for ``--format json``."""

    def fields(changes: tuple[FieldChange, ...]) -> list[dict]:
        return [{"field": c.field, "old": c.old, "new": c.new} for c in changes]

    def cookie(entry: CookieEntry) -> dict:
        return entry.model_dump(mode="json")

    return {
        "equal": diff.is_empty,
        "product": fields(diff.product),
        "plugins": [
            {
                "status": p.status,
                "title": p.title,
                "old_title": p.old_title,
                "fields": fields(p.fields),
                "added": [cookie(e) for e in p.added],
                "removed": [cookie(e) for e in p.removed],
                "changed": [
                    {
                        "name": c.cookie.name,
                        "domain": c.cookie.domain,
                        "storage": c.cookie.storage,
                        "fields": fields(c.fields),
                    }
                    for c in p.changed
                ],
            }
            for p in diff.plugins
        ],
    }


def as_markdown(diff: CatalogDiff, renderer: Renderer, old: str, new: str) -> str:
    """The diff as a Markdown document, through the overridable ``diff.md.j2``."""
    return renderer.render("diff.md.j2", diff=diff, old=old, new=new)
