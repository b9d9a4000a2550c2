"""Our JavaScript exports read back as data, without running them."""

from __future__ import annotations

import json


def parse_js(text: str, prefix: str) -> object:
    """Our JavaScript output back to data: the literal after ``prefix``, regex literals as {"regex": source}."""
    body = text[text.index(prefix) + len(prefix) :].rstrip().removesuffix(";")
    out, i, in_string = [], 0, False
    while i < len(body):
        ch = body[i]
        if in_string:
            out.append(ch)
            if ch == "\\":
                out.append(body[i + 1])
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch == "/":
            end = i + 1
            while body[end] != "/":
                end += 2 if body[end] == "\\" else 1
            out.append(json.dumps({"regex": body[i + 1 : end]}))
            i = end
        else:
            out.append(ch)
        i += 1
    return json.loads("".join(out))
