"""The {% cache %} tag: a fragment is rendered once per key and build, and still escaped."""

from __future__ import annotations

from pathlib import Path

from site_gen.render.templates import make_environment

TEMPLATE = (
    '{% for name in names %}{% cache "x", name %}<b>{{ made(name) }}</b>{% endcache %}{% endfor %}'
)


def test_a_fragment_renders_once_per_key_and_escapes(tmp_path: Path) -> None:
    env = make_environment(tmp_path)
    calls: list[str] = []

    def made(name: str) -> str:
        calls.append(name)
        return name

    html = env.from_string(TEMPLATE).render(names=["a", "<i>", "a"], made=made)
    assert html == "<b>a</b><b>&lt;i&gt;</b><b>a</b>"
    assert calls == ["a", "<i>"]


def test_each_build_starts_without_fragments(tmp_path: Path) -> None:
    first, second = make_environment(tmp_path), make_environment(tmp_path)
    assert first.from_string(TEMPLATE).render(names=["a"], made=str.upper) == "<b>A</b>"
    assert second.from_string(TEMPLATE).render(names=["a"], made=str.lower) == "<b>a</b>"
