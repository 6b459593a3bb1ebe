"""A small page-flow engine: blocks placed top to bottom in one frame per page, split across
pages where they allow it. Nothing here knows about CME.

It stands in for the part of ReportLab's platypus that the audit PDF used (a one-frame document,
spacers, page breaks, keep-together groups). Importing platypus took 60-90 ms of every export on
the project machine, about 40 ms of it compiling one regular expression for links, which the
audit record never makes; the canvas is all this needs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

FUZZ = 1e-6


class LayoutError(ValueError):
    """A block taller than a page that cannot be split (a bug in the sections: the audit
    record never leaves out what does not fit)."""


class Flowable:
    """A block of the page: `wrap` says its size for the room given, `split` cuts it to fit
    (or returns [] when it cannot), `draw` paints it with the origin at its bottom left."""

    width = 0.0
    height = 0.0
    space_before = 0.0
    space_after = 0.0
    at_top: bool | None = None  # set by the engine: is it placed at the top of a page?
    canv: Any = None

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        """Paint at the origin (the block's bottom left) on `self.canv`."""

    def draw_on(self, canv: Any, x: float, y: float) -> None:
        canv.saveState()
        canv.translate(x, y)
        self.canv = canv
        try:
            self.draw()
        finally:
            canv.restoreState()


class Spacer(Flowable):
    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height


class PageBreak(Flowable):
    """What follows starts a new page (unless the page is still empty)."""


class CondPageBreak(Flowable):
    """A new page when less than `height` is left on this one."""

    def __init__(self, height: float) -> None:
        self.height = height


class KeepTogether(Flowable):
    """Blocks that start a new page together when they do not fit on what is left of this one
    (and flow on, split as usual, when they would not fit on any page)."""

    def __init__(self, content: Sequence[Flowable]) -> None:
        self.content = list(content)

    def total_height(self, avail_w: float, avail_h: float) -> float:
        total = 0.0
        for i, f in enumerate(self.content):
            _, h = f.wrap(avail_w, avail_h)
            total += h + f.space_after + (f.space_before if i else 0.0)
        return total


def build(
    story: list[Flowable], canv: Any, *, x: float, y: float, width: float, height: float
) -> None:
    """Place `story` on pages of `canv`, in one frame of `width` x `height` whose bottom left
    corner is (x, y); then end the last page and save. The list is emptied: a block is let go
    once placed or split (a long table's laid-out rows are not held to the end)."""
    queue: deque[Flowable] = deque(story)
    story.clear()
    top = y + height
    cursor = top
    at_top = True
    page_used = False

    def new_page() -> None:
        nonlocal cursor, at_top, page_used
        canv.showPage()
        cursor, at_top, page_used = top, True, False

    while queue:
        f = queue.popleft()
        f.at_top = at_top
        if isinstance(f, PageBreak):
            if page_used:
                new_page()
            continue
        if isinstance(f, CondPageBreak):
            if not at_top and cursor - y < f.height:
                new_page()
            continue
        if isinstance(f, KeepTogether):
            total = f.total_height(width, height)
            if not at_top and cursor - y + FUZZ < total <= height:
                new_page()  # it fits on a page of its own (else it flows on, split)
            queue.extendleft(reversed(f.content))
            continue
        space = 0.0 if at_top else f.space_before
        avail = cursor - y - space
        _, h = f.wrap(width, avail)
        if h > avail + FUZZ:
            parts = f.split(width, avail)
            if parts and parts != [f]:
                queue.extendleft(reversed(parts))
                continue
            if not parts and not at_top:
                new_page()
                queue.appendleft(f)
                continue
            if not parts:  # taller than an empty page and cannot be cut: never drop content
                raise LayoutError(
                    f"a {type(f).__name__} of {h:.0f} points does not fit on a page of "
                    f"{height:.0f} points and cannot be split"
                )
        cursor -= space + h
        f.draw_on(canv, x, cursor)
        cursor -= f.space_after
        if space + h + f.space_after > 0:
            at_top = False
            page_used = True
    canv.showPage()
    canv.save()
