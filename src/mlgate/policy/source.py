"""Safe, bounded YAML loading that remembers where every node was written.

PyYAML's ``SafeLoader`` composes the document into nodes that carry their start marks;
we construct plain Python values from those nodes ourselves and keep a side table from
each key path (``("gates", 1, "metrics", "roc_auc")``) to its file, line and column.

Limits keep hostile files cheap to reject: a size cap, a nesting cap checked on the
event stream before anything is composed (no recursion on deep input), and a cap on the
number of values constructed, which stops alias ("billion laughs") bombs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from mlgate.errors import NodePath, PolicyError, Problem
from mlgate.safe_io import read_bounded

MAX_BYTES = 1 << 20
MAX_DEPTH = 64
MAX_NODES = 100_000
MAP_TAG = "tag:yaml.org,2002:map"
TAG_WORDS = {
    "!!float": "number (!!float)",
    "!!int": "integer (!!int)",
    "!!bool": "boolean (!!bool: true or false)",
    "!!timestamp": "date (!!timestamp: YYYY-MM-DD)",
    "!!null": "null (!!null)",
    "!!binary": "base64 value (!!binary)",
}
SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Loc:
    """Where a node was written: file, 1-based line and column."""

    file: str
    line: int
    column: int
    origin: str = ""  # for a node a built-in pack wrote: "builtin:NAME line N"


Marks = dict[NodePath, Loc]
Reader = Callable[[Path], bytes]  # raises FileNotFoundError / OSError like Path.read_bytes


@dataclass
class Source:
    """A loaded YAML document: its plain value and the location of every node."""

    path: Path
    data: Any
    marks: Marks

    def loc(self, path: NodePath) -> Loc:
        """The location of ``path``, or of its nearest ancestor that has one."""
        return nearest(self.marks, path, str(self.path))


def nearest(marks: Marks, path: NodePath, default_file: str) -> Loc:
    """The mark of ``path`` or of its closest recorded ancestor."""
    for end in range(len(path), -1, -1):
        found = marks.get(path[:end])
        if found is not None:
            return found
    return Loc(default_file, 1, 1)


def _problem(file: str, mark: Any, message: str, path: NodePath = ()) -> PolicyError:
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    return PolicyError([Problem(file, line, col, path, message)])


def read_file(path: Path) -> bytes:
    """The default reader: the file system, regular files only, at most MAX_BYTES + 1."""
    return read_bounded(path, MAX_BYTES)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    head = text[:offset]
    return head.count("\n") + 1, offset - (head.rfind("\n") + 1) + 1


# PyYAML's messages describe the parser's state; say what the user must fix instead.
YAML_HINTS = (
    (
        "mapping values are not allowed",
        "a `key: value` is not allowed here: check the "
        "indentation of this line and the line above it, or quote a value that contains `: `",
    ),
    ("did not find expected key", "this line is not indented like the keys around it"),
    ("expected <block end>", "this line is not indented like the keys around it"),
    (
        "did not find expected '-' indicator",
        "this list item is not indented like the items around it",
    ),
    (
        "that cannot start any token",
        "this character cannot start a value (tabs cannot "
        "indent YAML, and `@` or a backtick must be quoted)",
    ),
    ("could not find expected ':'", "a key has no `:` after it, or a quoted string is not closed"),
    ("found unexpected end of stream", "a quoted string or a bracket is not closed"),
    ("found undefined alias", "an alias `*name` has no anchor `&name` before it"),
    ("while scanning a quoted scalar", "a quoted string is not closed"),
    ("expected ',' or ']'", "a `[...]` list is not closed or lacks a comma"),
    ("expected ',' or '}'", "a `{...}` mapping is not closed or lacks a comma"),
)


def yaml_message(problem: str) -> str:
    """A YAML parser message in words a user can act on, with the parser's text kept."""
    for needle, words in YAML_HINTS:
        if needle in problem:
            return f"invalid YAML: {words} (parser: {problem})"
    return f"invalid YAML: {problem}"


def load_yaml(path: Path, display: str | None = None, reader: Reader = read_file) -> Source:
    """Load one YAML file safely; raise :class:`PolicyError` with its location on failure."""
    name = display or str(path)
    try:
        raw = reader(path)
    except FileNotFoundError:
        raise PolicyError([Problem(name, 0, 0, (), "file not found")]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PolicyError([Problem(name, 0, 0, (), f"cannot read: {reason}")]) from None
    if len(raw) > MAX_BYTES:
        raise PolicyError([Problem(name, 1, 1, (), f"larger than {MAX_BYTES:,} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start].decode("utf-8", "replace")
        line, col = _line_col(head, len(head))
        msg = f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} ({exc.reason})"
        raise PolicyError([Problem(name, line, col, (), msg)]) from None
    return parse_yaml(text, name, path)


def parse_yaml(text: str, name: str, path: Path | None = None) -> Source:
    """Parse YAML text; see :func:`load_yaml`."""
    try:
        _check_events(text, name)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _problem(name, mark, yaml_message(str(exc.problem or exc.context))) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        char = exc.character
        code = ord(char) if isinstance(char, str) else int(char)
        what = f"character U+{code:04X}"
        msg = f"invalid YAML: {what} is not allowed in YAML text (remove it)"
        raise PolicyError([Problem(name, line, col, (), msg)]) from None
    except yaml.YAMLError as exc:
        raise _problem(name, None, f"invalid YAML: {exc}") from None
    builder = _Builder(name)
    data = builder.build(node, ()) if node is not None else None
    return Source(path or Path(name), data, builder.marks)


def _check_events(text: str, name: str) -> None:
    depth = 0
    documents = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _problem(name, event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _problem(name, event.start_mark, "more than one YAML document in the file")


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: Marks = {}
        self.count = 0
        self.constructor = SafeConstructor()

    def build(self, node: yaml.Node, path: NodePath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _problem(
                self.name, node.start_mark, f"more than {MAX_NODES} values (an alias bomb?)"
            )
        self.marks[path] = Loc(self.name, node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.CollectionNode) and node.tag not in (MAP_TAG, SEQ_TAG):
            raise _problem(self.name, node.start_mark, f"unsupported YAML tag {node.tag}", path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: NodePath) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # PyYAML's constructors raise anything on a bad tagged value
            shown = str(node.value)[:40] if isinstance(node, yaml.ScalarNode) else ""
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            kind = TAG_WORDS.get(tag, f"value for {tag}")
            detail = f" ({exc})" if tag == "!!timestamp" and "range" in str(exc) else ""
            if isinstance(exc, yaml.YAMLError):
                detail = f" ({getattr(exc, 'problem', None) or exc})"
            msg = f"invalid value: `{shown}` is not a valid {kind}{detail}"
            raise _problem(self.name, node.start_mark, msg, path) from None

    def _mapping(self, node: yaml.MappingNode, path: NodePath) -> dict[str, Any]:
        try:
            self.constructor.flatten_mapping(node)
        except yaml.YAMLError as exc:
            raise _problem(self.name, node.start_mark, f"invalid merge: {exc}", path) from None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _problem(self.name, key_node.start_mark, "keys must be plain strings", path)
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise _problem(
                    self.name, key_node.start_mark, f"duplicate key `{key}`", (*path, key)
                )
            key_path = (*path, key)
            out[key] = self.build(value_node, key_path)
            self.marks[key_path] = Loc(
                self.name, key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
        return out
