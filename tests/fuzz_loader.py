"""A structure-aware Atheris fuzzer for the loader and checker: coverage-guided, for long runs.

Why: tests/test_fuzz.py runs Hypothesis for seconds in CI, which finds shallow faults. This
fuzzer runs for as long as you let it, guided by which lines of site_gen each input reaches.
Raw bytes mostly fail at the YAML parser, so it builds YAML documents with the schema's shape
(site_gen/model/schema.py: the fields of each kind of fact, of citations, figure values, sources
and settings), then mutates them: wrong types, anchors and aliases (also of a value still open),
tags, merge and duplicate keys, odd and control characters, long strings, deep nesting, huge
lists, alias bombs, extra documents, and raw damage (a byte, a BOM, CR line ends, a cut). Each
input becomes the facts file, site.yml, seeds/sources.yml and the source text of one scratch
copy of tests/sample, made once per process; only these files are rewritten per input. Then it
calls site_gen.pipeline.load_and_check in-process.

A finding is any exception escaping load_and_check, any problem without a file, and any
problem whose text (as `check` prints it) holds a raw control character or a line starting
with "::". Hangs and memory blow-ups are libFuzzer's: -timeout (default here 20 s) and
-rss_limit_mb (default 2048).

Run it (atheris takes libFuzzer's options; the corpus folder is optional and grows):

    python tests/fuzz_loader.py -atheris_runs=20000
    python tests/fuzz_loader.py /tmp/loader-corpus -max_total_time=3600
    python tests/fuzz_loader.py --keep-going -atheris_runs=100000   # log findings, go on

With --keep-going, each new kind of finding is printed once and its files are saved under
fuzz-findings/ (or $FUZZ_FINDINGS); without it, the first finding stops the run, as libFuzzer
does, with the input saved as crash-*. Reproduce a saved crash input with
`python tests/fuzz_loader.py crash-<sha1>`.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import sys
import tempfile
import traceback
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

try:
    import atheris
except ImportError:
    sys.exit("fuzz_loader.py needs atheris; install it with: pip install atheris")

import yaml
from yaml import events as ev

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = HERE / "sample"
sys.path.insert(0, str(REPO))  # this checkout's site_gen, whatever else is installed

with atheris.instrument_imports(include=["site_gen"]):
    from site_gen.config import Config
    from site_gen.model import schema
    from site_gen.pipeline import load_and_check
    from site_gen.report import as_text

SOURCE_TEXT = (SAMPLE / "seeds/harbour.txt").read_text(encoding="utf-8")
SENTENCES = [line for line in SOURCE_TEXT.splitlines() if line]
SAMPLE_IDS = ("bridge-reopens", "mara-lind", "port-elin", "transport-office", "vehicles")
YAML_ORG = "tag:yaml.org,2002:"
ANCHORS = ("a", "b", "c")
TAGS = (
    *(YAML_ORG + t for t in ("str", "int", "float", "bool", "null", "binary", "timestamp")),
    *(YAML_ORG + t for t in ("set", "omap", "pairs", "merge", "value", "map", "seq")),
    YAML_ORG + "python/object/apply:os.system",
    "!custom",
    "!",
)
ODD_TEXTS = (
    "",
    " ",
    "~",
    "null",
    "<<",
    "yes",
    "0x1F",
    "1e999",
    ".nan",
    "-",
    "_",
    "2025-02-30",
    "e\u0301",
    "\u202eevil",
    "line\u2028sep",
    "next\x85line",
    "nul\x00",
    "esc\x1b[31m",
    "cr\rlf",
    "new\nline",
    "::error file=x::forged",
    "\n::warning::forged",
    "\ud800",
    "\ufffe",
    "\U0001f600",
    "{{ 7 * 7 }}",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "...",
    "[...]",
    "not",
    "1,300",
)
ODD_FILES = (
    "harbour.txt",
    "./harbour.txt",
    "harbour.txt/",
    "sources.yml",
    "../site.yml",
    "../../outside.txt",
    "/etc/passwd",
    "/dev/zero",
    ".",
    "..",
    "",
    "x" * 300,
    "d/" * 2100,
    "new\nline.txt",
    "nul\x00.txt",
)
# Placeholders for huge lists, swapped in after emitting: emitting 50,000 events is slow.
_HUGE = re.compile(r"HUGE(\d+)")


class Gen:
    """Draws a YAML document, as parser events, from the fuzzer's bytes."""

    def __init__(self, fdp: Any) -> None:
        self.fdp = fdp
        self.events: list[ev.Event] = []
        self.anchors: list[str] = []

    def one_in(self, n: int) -> bool:
        return bool(self.fdp.ConsumeIntInRange(0, n - 1) == 0)

    def pick(self, values: Any) -> Any:
        return self.fdp.PickValueInList(list(values))

    def text(self) -> str:
        choice = self.fdp.ConsumeIntInRange(0, 9)
        if choice <= 2:
            return str(self.pick(SENTENCES))
        if choice <= 4:
            return str(self.pick(ODD_TEXTS))
        if choice == 5:
            return self.quote()
        if choice == 6:
            return str(self.pick("ax€\n")) * self.pick([100, 201, 99_999, 100_001])
        return str(self.fdp.ConsumeUnicode(self.fdp.ConsumeIntInRange(0, 40)))

    def quote(self) -> str:
        """A passage of the source, cut, with words dropped, swapped or elided, or altered."""
        words = str(self.pick(SENTENCES)).split(" ")
        start = self.fdp.ConsumeIntInRange(0, len(words) - 1)
        chosen = words[start : self.fdp.ConsumeIntInRange(start + 1, len(words))]
        for _ in range(self.fdp.ConsumeIntInRange(0, 2)):
            at = self.fdp.ConsumeIntInRange(0, len(chosen))
            edit = self.fdp.ConsumeIntInRange(0, 3)
            if edit == 0 and len(chosen) > 1:
                del chosen[min(at, len(chosen) - 1)]
            elif edit == 1:
                chosen.insert(at, str(self.pick(["...", "[...]", "…", "not", "1,300", "36"])))
            elif edit == 2:
                chosen.insert(at, str(self.fdp.ConsumeUnicode(8)))
            else:
                chosen = [w.upper() for w in chosen]
        return " ".join(chosen)

    def anchor(self) -> str | None:
        if not self.one_in(8):
            return None
        name = str(self.pick(ANCHORS))
        self.anchors.append(name)
        return name

    def tag(self) -> str | None:
        return str(self.pick(TAGS)) if self.one_in(10) else None

    def scalar(self, text: str, *, quoted: bool = False) -> None:
        tag = self.tag()
        style = '"' if quoted else self.pick([None, None, None, "'", '"', "|", ">"])
        implicit = (tag is None, tag is None)
        self.events.append(ev.ScalarEvent(self.anchor(), tag, implicit, text, style=style))

    def alias(self) -> None:
        known = self.anchors or list(ANCHORS)
        self.events.append(ev.AliasEvent(str(self.pick(known))))

    def seq(self, items: Any, flow: bool | None = None) -> None:
        """Emit a list; `items` emits its items, one call per item."""
        tag = self.tag()
        flow = self.one_in(4) if flow is None else flow
        self.events.append(ev.SequenceStartEvent(self.anchor(), tag, tag is None, flow_style=flow))
        items()
        self.events.append(ev.SequenceEndEvent())

    def mapping(self, fields: tuple[schema.Field, ...], depth: int) -> None:
        """Emit a mapping with the fields' keys (required ones mostly), and extra keys."""
        tag = self.tag()
        flow = self.one_in(6)
        self.events.append(ev.MappingStartEvent(self.anchor(), tag, tag is None, flow_style=flow))
        for spec in fields:
            if self.fdp.ConsumeIntInRange(0, 9) < (8 if spec.required else 4):
                self.key(spec.name)
                self.value(spec, depth + 1)
            if self.one_in(25):  # a duplicate, a merge key, an unknown or odd key
                self.key(str(self.pick([spec.name, "<<", "titel", "", "12", "~"])))
                self.any(depth + 1)
            if self.one_in(60):  # a key that is no string: a list, or a mapping
                self.seq(lambda: self.scalar("k"), flow=True)
                self.any(depth + 1)
        self.events.append(ev.MappingEndEvent())

    def key(self, name: str) -> None:
        if self.one_in(30):
            self.scalar(self.text())
        else:
            self.events.append(ev.ScalarEvent(None, None, (True, True), name))

    def any(self, depth: int) -> None:
        """Emit any value at all: a scalar, list, mapping, alias, deep nest, huge list, bomb."""
        choice = self.fdp.ConsumeIntInRange(0, 30)
        if choice == 0:
            self.alias()
        elif choice == 1:
            self.deep()
        elif choice == 2:
            self.huge()
        elif choice <= 6 and depth < 6:
            self.seq(lambda: [self.any(depth + 1) for _ in range(self.fdp.ConsumeIntInRange(0, 3))])
        elif choice <= 9 and depth < 6:
            fields = tuple(
                schema.Field(
                    str(self.pick(["id", "text", "quote", "x", "<<"])), schema.Type.STR, ""
                )
                for _ in range(self.fdp.ConsumeIntInRange(0, 3))
            )
            self.mapping(fields, depth)
        else:
            self.scalar(self.text())

    def deep(self) -> None:
        levels = int(self.pick([10, 63, 64, 65, 66, 200]))
        for _ in range(levels):
            self.events.append(ev.SequenceStartEvent(None, None, True, flow_style=True))
        self.scalar("bottom")
        self.events.extend(ev.SequenceEndEvent() for _ in range(levels))

    def huge(self) -> None:
        if self.one_in(2):
            self.events.append(
                ev.ScalarEvent(None, None, (True, True), f"HUGE{self.pick([999, 50_000, 50_001])}")
            )
            return
        # An alias bomb: each level lists the one before ten times.
        self.events.append(ev.SequenceStartEvent("bomb0", None, True, flow_style=True))
        self.events.extend(ev.ScalarEvent(None, None, (True, True), "lol") for _ in range(10))
        self.events.append(ev.SequenceEndEvent())
        for level in range(1, self.fdp.ConsumeIntInRange(2, 7)):
            self.events.append(ev.SequenceStartEvent(f"bomb{level}", None, True, flow_style=True))
            self.events.extend(ev.AliasEvent(f"bomb{level - 1}") for _ in range(10))
            self.events.append(ev.SequenceEndEvent())

    def value(self, spec: schema.Field, depth: int) -> None:
        """Emit a value of the field's type, or now and then any value at all."""
        T = schema.Type
        if self.one_in(12) or depth > 8:
            self.any(depth)
        elif self.one_in(40):
            self.alias()
        elif spec.type in (T.STR, T.MARKDOWN):
            self.scalar(self.text())
        elif spec.type in (T.ID, T.REF):
            self.scalar(str(self.pick([*SAMPLE_IDS, "gazette"])) if self.one_in(2) else self.text())
        elif spec.type is T.DATE:
            self.scalar(str(self.pick(["2025-03-04", "2025-03", "2025", "2025-02-29", "0000"])))
        elif spec.type is T.NUMBER:
            self.scalar(str(self.pick(["1200", "36", "1.5e3", "-0", ".inf", ".nan", "1e999"])))
        elif spec.type is T.CHOICE:
            self.scalar(str(self.pick([*spec.choices, *schema.KINDS, "Enacted"])))
        elif spec.type is T.STR_MAP:
            fields = tuple(schema.Field(c, T.STR, "") for c in spec.choices)
            self.mapping(fields, depth)
        elif spec.type is T.CITATIONS:
            self.seq(
                lambda: [self.citation(depth) for _ in range(self.fdp.ConsumeIntInRange(0, 3))]
            )
        elif spec.type in (T.VALUES, T.CITED_TEXTS):
            fields = schema.FIGURE_VALUE if spec.type is T.VALUES else schema.CITED_TEXT
            self.seq(
                lambda: [
                    self.mapping(fields, depth) for _ in range(self.fdp.ConsumeIntInRange(0, 2))
                ]
            )
        else:  # lists of references or strings
            item = schema.Field("item", T.ID if spec.type is T.REFS else T.STR, "")
            self.seq(
                lambda: [
                    self.value(item, depth + 1) for _ in range(self.fdp.ConsumeIntInRange(0, 3))
                ]
            )

    def citation(self, depth: int) -> None:
        if self.one_in(6) and self.anchors:
            self.alias()
            return
        fields = tuple(f for f in schema.CITATION if f.name != "quote" or not self.one_in(10))
        self.events.append(
            ev.MappingStartEvent(self.anchor(), None, True, flow_style=self.one_in(4))
        )
        for spec in fields:
            self.key(spec.name)
            if spec.name == "source":
                self.scalar("gazette" if not self.one_in(5) else self.text())
            elif spec.name == "quote":
                self.scalar(self.quote() if not self.one_in(5) else self.text())
            else:
                self.value(spec, depth + 1)
        self.events.append(ev.MappingEndEvent())

    def fact(self) -> None:
        kind = str(self.pick(schema.KINDS))
        fields = schema.COMMON + schema.KIND_FIELDS[kind]
        if not self.one_in(8):
            # Pin the kind, so the kind's own fields are read.
            fields = tuple(
                schema.Field("kind", schema.Type.CHOICE, "", True, (kind,))
                if f.name == "kind"
                else f
                for f in fields
            )
        self.mapping(fields, 0)

    def source(self, sha256: str) -> None:
        """Emit a registry entry; its file is the source text, or an odd name."""
        self.events.append(ev.MappingStartEvent(self.anchor(), None, True, flow_style=False))
        for spec in schema.SOURCE:
            if spec.name == "file":
                self.key("file")
                self.scalar(
                    "harbour.txt" if self.one_in(2) else str(self.pick(ODD_FILES)), quoted=True
                )
            elif spec.name == "sha256" and not self.one_in(10):
                self.key("sha256")
                self.scalar(sha256, quoted=True)
            elif spec.name == "id" and not self.one_in(10):
                self.key("id")
                self.scalar(str(self.pick(["gazette", "other", "gazette-2"])))
            elif self.fdp.ConsumeIntInRange(0, 9) < (8 if spec.required else 3):
                self.key(spec.name)
                self.value(spec, 1)
        self.events.append(ev.MappingEndEvent())

    def document(self, shape: str, sha256: str) -> bytes:
        """Return the bytes of one YAML file of the shape: facts, site or registry."""
        self.events = [ev.StreamStartEvent()]
        documents = 1 if not self.one_in(12) else self.pick([0, 2])
        for i in range(documents):
            self.events.append(ev.DocumentStartEvent(explicit=i > 0 or self.one_in(4)))
            if self.one_in(15):
                self.any(0)
            elif shape == "site":
                self.mapping(schema.SITE, 0)
            elif shape == "registry":
                self.seq(
                    lambda: [self.source(sha256) for _ in range(self.fdp.ConsumeIntInRange(1, 3))]
                )
            else:
                self.seq(lambda: [self.fact() for _ in range(self.fdp.ConsumeIntInRange(1, 4))])
            self.events.append(ev.DocumentEndEvent(explicit=self.one_in(6)))
        self.events.append(ev.StreamEndEvent())
        try:
            text = yaml.emit(
                self.events,
                allow_unicode=self.fdp.ConsumeBool(),
                indent=self.pick([2, 4, 9]),
                width=self.pick([80, 20, 10_000]),
                canonical=self.one_in(12),
            )
        except yaml.YAMLError:
            # The emitter refuses some combinations (such as an alias as a key in places it
            # cannot write); the document is then the events' values as plain text.
            text = "\n".join(getattr(e, "value", "") or "" for e in self.events)
        text = _HUGE.sub(lambda m: "[" + ", ".join(["x"] * int(m[1])) + "]", text)
        data = text.encode("utf-8", "surrogatepass")
        return self.damage(data) if self.one_in(6) else data

    def damage(self, data: bytes) -> bytes:
        at = self.fdp.ConsumeIntInRange(0, len(data))
        edit = self.fdp.ConsumeIntInRange(0, 6)
        if edit == 0:
            return b"\xef\xbb\xbf" + data
        if edit == 1:
            return data.replace(b"\n", b"\r\n")
        if edit == 2:
            return data.replace(b"\n", b"\r")
        if edit == 3:
            return data[:at] + self.fdp.ConsumeBytes(self.fdp.ConsumeIntInRange(1, 4)) + data[at:]
        if edit == 4:
            return data.replace(b"\n  ", b"\n\t", 1)
        if edit == 5:
            return data[:at]
        return data[:at] + b" # " + data[at:]

    def source_text(self) -> bytes:
        """The sample's source text, now and then altered: characters in, lines ends, bytes."""
        if not self.one_in(4):
            return SOURCE_TEXT.encode()
        text = SOURCE_TEXT
        for _ in range(self.fdp.ConsumeIntInRange(1, 3)):
            at = self.fdp.ConsumeIntInRange(0, len(text))
            text = text[:at] + str(self.pick([*ODD_TEXTS, self.fdp.ConsumeUnicode(6)])) + text[at:]
        data = text.encode("utf-8", "surrogatepass")
        return self.damage(data) if self.one_in(4) else data


class Scratch:
    """One scratch copy of tests/sample for the whole process; inputs rewrite four files."""

    FILES = ("facts/fuzz.yml", "site.yml", "seeds/sources.yml", "seeds/harbour.txt")

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="fuzz-loader-"))
        self.root = self.folder / "site"
        shutil.copytree(SAMPLE, self.root, ignore=shutil.ignore_patterns("expected"))
        shutil.copytree(REPO / "templates", self.root / "templates")
        self.config = Config.for_root(self.root)
        self.pristine = {name: self.read(name) for name in self.FILES}

    def read(self, name: str) -> bytes:
        path = self.root / name
        return path.read_bytes() if path.exists() else b""

    def write(self, files: dict[str, bytes]) -> None:
        for name in self.FILES:
            data = files.get(name)
            path = self.root / name
            if data is None and name == "facts/fuzz.yml":
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(self.pristine[name] if data is None else data)


class Stats:
    inputs = 0
    found: ClassVar[Counter[str]] = Counter()
    keep_going = False

    reported = -1

    @classmethod
    def report(cls) -> None:
        if cls.reported != cls.inputs:
            cls.reported = cls.inputs
            print(cls.summary(), file=sys.stderr, flush=True)

    @classmethod
    def summary(cls) -> str:
        found = ", ".join(f"{k}: {n}" for k, n in cls.found.items()) or "none"
        return f"fuzz_loader: {cls.inputs} inputs; findings: {found}"


SCRATCH: Scratch | None = None
_FORBIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")


def inputs_for(data: bytes) -> dict[str, bytes]:
    """Return the files one input writes: each of the four is generated or left as it was."""
    fdp = atheris.FuzzedDataProvider(data)
    gen = Gen(fdp)
    files: dict[str, bytes] = {}
    text = gen.source_text()
    files["seeds/harbour.txt"] = text
    sha256 = hashlib.sha256(text).hexdigest()
    if text != SOURCE_TEXT.encode() or gen.one_in(3):
        files["seeds/sources.yml"] = gen.document("registry", sha256)
    if gen.one_in(4):
        files["site.yml"] = gen.document("site", sha256)
    if not gen.one_in(8):
        files["facts/fuzz.yml"] = gen.document("facts", sha256)
    return files


def check_problems(problems: list[Any]) -> None:
    """Every problem names its file, and prints without raw controls or a '::' line start."""
    for problem in problems:
        if not problem.location.path:
            raise AssertionError(f"a problem without a file: {problem!r}")
        text = as_text(problem)
        raw = [
            c
            for c in set(text)
            if c not in "\t\n" and unicodedata.category(c) in _FORBIDDEN_CATEGORIES
        ]
        if raw:
            raise AssertionError(f"raw {raw} in {text!r}")
        if any(line.startswith("::") for line in text.split("\n")):
            raise AssertionError(f"a line starting with '::' in {text!r}")


def signature(exc: BaseException) -> tuple[str, str]:
    frames = traceback.extract_tb(exc.__traceback__)
    return type(exc).__name__, frames[-1].name if frames else "?"


def save_finding(key: str, files: dict[str, bytes], exc: BaseException) -> None:
    folder = Path(os.environ.get("FUZZ_FINDINGS", "fuzz-findings")) / re.sub(r"\W+", "-", key)
    if folder.exists():
        return
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "traceback.txt").write_text(
        "".join(traceback.format_exception(exc)), encoding="utf-8"
    )
    print(f"\nfuzz_loader: NEW FINDING {key}, files in {folder}", file=sys.stderr)
    traceback.print_exception(exc)


def test_one_input(data: bytes) -> None:
    assert SCRATCH is not None
    Stats.inputs += 1
    files = inputs_for(data)
    SCRATCH.write(files)
    try:
        _, verification = load_and_check(SCRATCH.config)
        check_problems(verification.problems)
    except Exception as exc:
        key = signature(exc)
        if Stats.keep_going:
            name = f"{key[0]} in {key[1]}"
            Stats.found[name] += 1
            save_finding(name, files, exc)
        else:
            raise
    if Stats.inputs % 1000 == 0:
        Stats.report()


def main() -> None:
    global SCRATCH
    argv = [arg for arg in sys.argv if arg != "--keep-going"]
    Stats.keep_going = "--keep-going" in sys.argv
    # Documents need room: let inputs grow to 16 KiB from the start, not a few bytes at a time.
    defaults = {"-timeout=": "20", "-max_len=": "16384", "-len_control=": "0"}
    argv += [k + v for k, v in defaults.items() if not any(a.startswith(k) for a in argv)]
    os.environ["NO_COLOR"] = "1"  # as_text colours diffs on a terminal; the checks want plain text
    SCRATCH = Scratch()
    atexit.register(shutil.rmtree, SCRATCH.folder, ignore_errors=True)
    atexit.register(Stats.report)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
