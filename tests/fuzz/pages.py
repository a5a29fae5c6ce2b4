"""The forms a rendered page offers, read as a browser would submit them (stdlib html.parser only)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TEXT_TYPES = {"text", "search", "email", "tel", "url", "password", "hidden", "textarea", "color"}
SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}


@dataclass
class Field:
    name: str
    kind: str  # an input type, or "select" / "textarea"
    value: str | None  # what a browser sends untouched; None when it sends nothing (unchecked, no option)


@dataclass
class PageForm:
    method: str
    action: str  # path and query, resolved against the page's URL
    fields: list[Field] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # hx-vals and the first named submit button

    def baseline(self) -> dict:
        data = {f.name: f.value for f in self.fields if f.value is not None}
        return {**self.extra, **data}

    def kinds(self) -> dict[str, str]:
        return {f.name: f.kind for f in self.fields}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _Collector(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self.by_id, self.pending = page_url, [], {}, []
        self._form: PageForm | None = None
        self._select: tuple[Field, PageForm | str | None] | None = None
        self._textarea: tuple[Field, PageForm | str | None] | None = None
        self._first_option: str | None = None

    def _owner(self, attrs: dict) -> PageForm | str | None:
        """The enclosing form, or the id a form="" attribute names (that form may come later in the page)."""
        return attrs.get("form") or self._form

    def _add(self, owner: PageForm | str | None, item: Field) -> None:
        if isinstance(owner, str):
            self.pending.append((owner, item))
        elif owner is not None:
            owner.fields.append(item)

    def handle_starttag(self, tag, pairs):
        attrs = {k: (v if v is not None else "") for k, v in pairs}
        if tag == "form":
            self._open_form(attrs)
        elif tag == "input":
            self._input(attrs)
        elif tag == "select" and attrs.get("name"):
            self._select = (Field(attrs["name"], "select", None), self._owner(attrs))
            self._first_option = None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._first_option = value if self._first_option is None else self._first_option
            if "selected" in attrs:
                self._select[0].value = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = (Field(attrs["name"], "textarea", ""), self._owner(attrs))
        elif tag == "button":
            self._button(attrs)

    def _open_form(self, attrs: dict) -> None:
        method = "post" if ("hx-post" in attrs or attrs.get("method", "").lower() == "post") else "get"
        action = attrs.get("hx-post") or attrs.get("hx-get") or attrs.get("action") or self.page_url
        form = PageForm(method, _path(urljoin(self.page_url, action)))
        if attrs.get("hx-vals", "").startswith("{"):
            form.extra.update({k: str(v) for k, v in json.loads(attrs["hx-vals"]).items()})
        self.forms.append(form)
        if attrs.get("id"):
            self.by_id[attrs["id"]] = form
        self._form = form

    def _input(self, attrs: dict) -> None:
        kind, owner = attrs.get("type", "text").lower(), self._owner(attrs)
        if owner is None or not attrs.get("name") or kind in SKIPPED_TYPES:
            return
        value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            value = None
        self._add(owner, Field(attrs["name"], kind, value))

    def _button(self, attrs: dict) -> None:
        owner = self._owner(attrs)
        if isinstance(owner, PageForm) and attrs.get("name") and attrs.get("type", "submit") == "submit":
            owner.extra.setdefault(attrs["name"], attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self._textarea[0].value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            select, owner = self._select
            if select.value is None:
                select.value = self._first_option
            self._add(owner, select)
            self._select = None
        elif tag == "textarea" and self._textarea:
            textarea, owner = self._textarea
            self._add(owner, textarea)
            self._textarea = None


def page_forms(html: str, page_url: str) -> list[PageForm]:
    """Every form of the page, with the values a browser would send for it untouched."""
    collector = _Collector(page_url)
    collector.feed(html)
    collector.close()
    for form_id, item in collector.pending:
        if form_id in collector.by_id:
            collector.by_id[form_id].fields.append(item)
    return collector.forms
