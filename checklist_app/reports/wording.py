"""Report wording from the Jinja2 templates in resources/templates/reports.

Each template is a set of named blocks; the report code renders one block at a time with the values it
needs. Values are escaped for ReportLab's paragraph markup, so text users typed cannot inject markup.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

from checklist_app.paths import resource


class _Loader(jinja2.BaseLoader):
    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        node = resource("templates", "reports", template)
        if not node.is_file():
            raise jinja2.TemplateNotFound(template)
        return node.read_text(encoding="utf-8"), template, lambda: True


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_Loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


class Wording:
    """The blocks of one template, rendered on demand."""

    def __init__(self, name: str, **shared: Any) -> None:
        self.template = environment().get_template(name)
        self.shared = shared
        self._rendered: dict[tuple[Any, ...], str] = {}

    def __call__(self, block: str, **values: Any) -> str:
        # A report renders the same few blocks (a status, a timing) hundreds of times with the same values.
        try:
            key: tuple[Any, ...] | None = (block, *sorted(values.items()))
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self._rendered:
            return self._rendered[key]
        render = self.template.blocks.get(block)
        if render is None:
            raise KeyError(f"template {self.template.name} has no block {block!r}")
        context = self.template.new_context({**self.shared, **values})
        text = " ".join("".join(render(context)).split())
        if key is not None:
            self._rendered[key] = text
        return text

    def columns(self, block: str, **values: Any) -> list[str]:
        """A block holding column headings separated by '|'."""
        return [c.strip() for c in self(block, **values).split("|")]
