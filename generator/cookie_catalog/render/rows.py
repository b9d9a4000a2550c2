"""The rows of the bundled cookie table, written in Python: the same text as the templates, without Jinja's calls.

A row of ``_cookie_table.md.j2`` calls the ``cookie_name`` macro, includes ``_controller.md.j2``, which calls
the ``cookie_facts`` macro: four calls into Jinja's machinery a cookie, most of the render of a large catalog
(40 us a row; 100,000 rows took 4 s). :class:`TableRows` writes the same text directly. The templates stay
the definition and the users' to override: the Renderer hands this to the table only while none of
``ROW_TEMPLATES`` is overridden, so a site's own template always renders through Jinja. Where the bundled
templates change, this must change with them: tests/test_render_golden.py compares both paths on random
catalogs, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cookie_catalog.catalog.model import Cookie
from cookie_catalog.render.escape import html_attr
from cookie_catalog.render.labels import Labels

# Every template a row of the bundled table is made of.
ROW_TEMPLATES = ("_cookie_table.md.j2", "_cookie_name.j2", "_controller.md.j2", "_cookie_facts.j2")


class TableRows:
    """``rows(...)``: the text the bundled ``{% for cookie in cookies %}`` loop of the table writes.

    ``md`` and ``md_code`` are the renderer's filters of the same names, ``labels`` its language's labels.
    """

    def __init__(self, labels: Labels, md: Callable[..., str], md_code: Callable[[str], str]) -> None:
        self._labels = labels
        self._md = md
        self._md_code = md_code

    def _(self, msgid: str, **variables: str) -> str:
        """Jinja's new-style gettext outside autoescaping: translated, then always formatted."""
        return self._labels.gettext(msgid) % variables

    def __call__(
        self,
        cookies: Sequence[Cookie],
        row_id: Callable[[Cookie], str],
        category_link: Callable[[str], str],
        with_condition: bool,
        plugin_links: Mapping[str, str] | None,
        name_headings: bool,
    ) -> str:
        md, term = self._md, self._labels.term

        def row(cookie: Cookie) -> str:
            ident, name = html_attr(row_id(cookie)), self._name(cookie)
            if name_headings:
                cells = [f'| <h2 class="cc-anchor cc-name" id="{ident}">{name}</h2>']
            else:
                cells = [f'| <span class="cc-anchor" id="{ident}"></span>{name}']
            duration = self._labels.duration(cookie.duration)
            if cookie.duration_note:
                duration += f"<br><small>{md(cookie.duration_note)}</small>"
            provenance = term(cookie.provenance, "provenance") + self._controller(cookie)
            cells += [md(cookie.purpose), duration, provenance, category_link(cookie.category)]
            if with_condition:
                cells.append(md(cookie.condition or ""))
            if plugin_links:
                cells.append(plugin_links[cookie.anchor])
            return " | ".join(cells) + " |\n"

        return "".join([row(c) for c in cookies])

    def _name(self, cookie: Cookie) -> str:
        """``cookie_name(cookie, "page")`` of ``_cookie_name.j2``."""
        out = self._md_code(cookie.name)
        if cookie.pattern:
            out += " " + self._("(pattern)")
        if cookie.storage != "cookie":
            out += f" <small>{self._md(self._labels.term(cookie.storage, 'storage'))}</small>"
        if cookie.domain:
            out += f"<br><small>{self._md(cookie.domain)}</small>"
        return out

    def _controller(self, cookie: Cookie) -> str:
        """``_controller.md.j2``, with ``cookie_facts(cookie, "md")`` of ``_cookie_facts.j2``."""
        md, _, term = self._md, self._, self._labels.term
        out = ""
        if cookie.controller:
            out += f"<br><small>{md(cookie.controller)}</small>"
        if cookie.privacy_url:
            out += f'<br><small><a href="{html_attr(cookie.privacy_url)}">{_("Privacy policy")}</a></small>'
        facts = []
        if cookie.legal_basis:
            facts.append(_("Legal basis: %(basis)s", basis=md(term(cookie.legal_basis, "legal_basis"))))
        if cookie.data_categories:
            facts.append(_("Data: %(data)s", data=md(", ".join(cookie.data_categories))))
        if cookie.retention:
            facts.append(_("Data kept: %(duration)s", duration=md(self._labels.duration(cookie.retention))))
        if cookie.lifetime_refreshed is not None:
            refreshed = cookie.lifetime_refreshed
            facts.append(_("Lifetime renewed on each visit") if refreshed else _("Lifetime not renewed by visits"))
        if cookie.third_party_access is not None:
            access = cookie.third_party_access
            facts.append(_("Third parties can access it") if access else _("No third-party access"))
        if cookie.country:
            facts.append(_("Country: %(country)s", country=md(cookie.country)))
        for transfer in cookie.transfers:
            safeguard = term(transfer.safeguard, "safeguard") if transfer.safeguard else _("no safeguard given")
            facts.append(
                _("Transfer to %(country)s: %(safeguard)s", country=md(transfer.country), safeguard=md(safeguard))
            )
        return out + "".join(f"<br><small>{fact}</small>" for fact in facts)
