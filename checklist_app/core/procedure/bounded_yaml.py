"""PyYAML reading within the bounds of `limits`: a loader that stops composing early, and the check of how far
aliases expand a document. Apart from `limits` so that code needing only the bounds does not load PyYAML."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from checklist_app.core.procedure.limits import MAX_ALIASES, MAX_EXPANDED_NODES, MAX_NODES, TooBig


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that stops composing as soon as the file holds too many values or aliases,
    so a file of a million tiny items costs a fraction of a second rather than minutes and gigabytes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.node_count = 0
        self.alias_count = 0

    # `index` as typeshed declares it; PyYAML passes it through untouched, also a key node or None.
    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.events.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                line = self.peek_event().start_mark.line + 1
                raise TooBig(f"the file uses more than {MAX_ALIASES:,} aliases (*name); a procedure needs few", line)
        else:
            self.node_count += 1
            if self.node_count > MAX_NODES:
                line = self.peek_event().start_mark.line + 1
                raise TooBig(
                    f"the file holds more than {MAX_NODES:,} values; a procedure has about 9,000, "
                    "so this is not a procedure file or has been damaged",
                    line,
                )
        return super().compose_node(parent, index)


def check_expansion(root: Node) -> None:
    """Raise TooBig when aliases expand the document past MAX_EXPANDED_NODES values (a "billion laughs"
    file is small as written and astronomically large as read). Sizes are memoised per node, so this
    costs one pass over the nodes as written, and a recursive alias counts as too big."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in in_progress:
            raise TooBig("an alias refers to the mapping or list that contains it (a loop)", node.start_mark.line + 1)
        in_progress.add(id(node))
        total = 1
        if isinstance(node, MappingNode):
            children: list[Node] = [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        else:
            children = []
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise TooBig(
                    f"aliases (*name) expand the file to more than {MAX_EXPANDED_NODES:,} values; "
                    "a procedure does not repeat itself this much",
                    node.start_mark.line + 1,
                )
        in_progress.discard(id(node))
        sizes[id(node)] = total
        return total

    size(root)
