"""Cut a facts file into its top-level list items, so an edited file is read again item by item.

A preview's edit changes one fact of a file that may hold hundreds. Each item is parsed on its
own, with as many line breaks before it as precede it in the file, so every location is the one
a parse of the whole file gives; an item whose bytes and line did not change is not parsed again.
This is only exact for a plain list: `items` refuses any file with something else at column 0.
"""

from __future__ import annotations


def items(data: bytes) -> list[tuple[int, bytes]] | None:
    """Return each item of a top-level block list as (the lines before it, its bytes).

    The first item also holds whatever comments and blank lines come before it. Return None
    unless every line at column 0 starts an item ("- …" or "-"), is a comment or is blank.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return None  # A byte order mark: the first line is not what it seems.
    starts: list[tuple[int, int]] = []  # Offset and line number of each item.
    offset = 0
    for number, line in enumerate(data.split(b"\n")):
        first = line[:1]
        if first == b"-" and line[1:2] in (b"", b" ", b"\r"):
            starts.append((offset, number))
        elif first not in (b"", b" ", b"\r", b"#") and line.strip():
            return None
        offset += len(line) + 1
    if not starts:
        return None
    starts[0] = (0, 0)
    ends = [offset for offset, _ in starts[1:]] + [len(data)]
    return [(number, data[start:end]) for (start, number), end in zip(starts, ends, strict=True)]
