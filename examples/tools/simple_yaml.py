"""A small YAML subset reader and writer (Python standard library only).

Canonical copy: examples/tools/simple_yaml.py. Every cube ships an identical copy in project/ so that
each cube folder is self-contained (test/examples checks the copies are identical).

Supported: block mappings, block sequences (of scalars or mappings), flow sequences of scalars
(`[a, 1, 2.5]`), comments, plain / single-quoted / double-quoted scalars, null, booleans,
integers, floats and .nan / .inf. Enough for parameters.yaml, statistics.yaml and results.yaml.
"""

import math

__all__ = ["load", "loads", "dump", "dumps"]


class YamlError(ValueError):
    pass


def _strip_comment(text):
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _split_flow(body):
    items, cur, quote = [], "", None
    for ch in body:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            cur += ch
        elif ch == ",":
            items.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip() or items:
        items.append(cur)
    return [_scalar(x.strip()) for x in items]


def _scalar(text):
    if text == "" or text in ("~", "null", "Null", "NULL"):
        return None
    if text[0] == '"' and text[-1] == '"' and len(text) >= 2:
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if text[0] == "'" and text[-1] == "'" and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    if text[0] == "[":
        if text[-1] != "]":
            raise YamlError("unterminated flow sequence: " + text)
        return _split_flow(text[1:-1])
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    low = text.lower()
    if low in (".nan",):
        return math.nan
    if low in (".inf", "+.inf"):
        return math.inf
    if low == "-.inf":
        return -math.inf
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _split_key(text):
    """Returns (key, rest) when text is `key: rest` or `key:`, else None."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and i == 0:
            quote = ch
        elif ch == ":" and (i + 1 == len(text) or text[i + 1] in " \t"):
            return _scalar(text[:i].strip()), text[i + 1 :].strip()
    return None


class _Parser:
    def __init__(self, text):
        self.lines = []
        for number, raw in enumerate(text.splitlines(), 1):
            if raw.strip() in ("---", "..."):
                continue
            body = _strip_comment(raw.replace("\t", "    "))
            if body.strip():
                self.lines.append([len(body) - len(body.lstrip(" ")), body.strip(), number])
        self.i = 0

    def error(self, message):
        line = self.lines[min(self.i, len(self.lines) - 1)][2] if self.lines else 0
        raise YamlError("line %d: %s" % (line, message))

    def parse(self):
        if not self.lines:
            return None
        value = self.block(self.lines[0][0])
        if self.i < len(self.lines):
            self.error("unexpected indentation")
        return value

    def block(self, indent):
        text = self.lines[self.i][1]
        if text == "-" or text.startswith("- "):
            return self.sequence(indent)
        if _split_key(text) is None:
            self.i += 1
            return _scalar(text)
        return self.mapping(indent)

    def child(self, indent, allow_same_indent_seq):
        if self.i >= len(self.lines):
            return None
        nxt_indent, nxt = self.lines[self.i][0], self.lines[self.i][1]
        if nxt_indent > indent:
            return self.block(nxt_indent)
        if allow_same_indent_seq and nxt_indent == indent and (nxt == "-" or nxt.startswith("- ")):
            return self.sequence(indent)
        return None

    def mapping(self, indent):
        result = {}
        while self.i < len(self.lines) and self.lines[self.i][0] == indent:
            text = self.lines[self.i][1]
            if text == "-" or text.startswith("- "):
                break
            kv = _split_key(text)
            if kv is None:
                self.error("expected `key: value`, found: " + text)
            key, rest = kv
            if key in result:
                self.error("duplicate key: %s" % key)
            self.i += 1
            result[key] = _scalar(rest) if rest else self.child(indent, True)
        return result

    def sequence(self, indent):
        result = []
        while self.i < len(self.lines) and self.lines[self.i][0] == indent:
            text = self.lines[self.i][1]
            if not (text == "-" or text.startswith("- ")):
                break
            rest = text[1:].strip()
            if not rest:
                self.i += 1
                result.append(self.child(indent, False))
            elif _split_key(rest) is not None and not rest.startswith("["):
                # `- key: value` starts a mapping whose keys sit two columns further in.
                self.lines[self.i] = [indent + 2, rest, self.lines[self.i][2]]
                result.append(self.mapping(indent + 2))
            else:
                self.i += 1
                result.append(_scalar(rest))
        return result


def loads(text):
    return _Parser(text).parse()


def load(path):
    with open(path, encoding="utf-8") as f:
        return loads(f.read())


_PLAIN_UNSAFE = set(":#[]{},&*!|>'\"%@`")


def _format_scalar(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    if (
        text == ""
        or text != text.strip()
        or any(ch in _PLAIN_UNSAFE for ch in text)
        or text[0] in "-?"
        or not isinstance(_scalar(text), str)
    ):
        return "'" + text.replace("'", "''") + "'"
    return text


def _dump(value, indent, out):
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and item:
                out.append("%s%s:" % (pad, _format_scalar(key)))
                _dump(item, indent + 2, out)
            elif isinstance(item, list) and item and any(isinstance(x, (dict, list)) for x in item):
                out.append("%s%s:" % (pad, _format_scalar(key)))
                _dump(item, indent + 2, out)
            elif isinstance(item, list):
                out.append("%s%s: [%s]" % (pad, _format_scalar(key), ", ".join(_format_scalar(x) for x in item)))
            else:
                out.append("%s%s: %s" % (pad, _format_scalar(key), _format_scalar(item if item != {} else None)))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner = []
                _dump(item, indent + 2, inner)
                inner[0] = pad + "- " + inner[0][indent + 2 :]
                out.extend(inner)
            else:
                out.append("%s- %s" % (pad, _format_scalar(item)))
    else:
        out.append(pad + _format_scalar(value))


def dumps(value):
    out = []
    _dump(value, 0, out)
    return "\n".join(out) + "\n"


def dump(value, path):
    """Writes atomically: a temporary file in the same folder, then a rename."""
    import os

    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(dumps(value))
    os.replace(tmp, path)
