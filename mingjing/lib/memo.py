"""Reads remembered for the length of one build.

The archive box renders some thirty documents of one meeting at one moment, and the per-member
ones read the whole meeting's ledger and talks again for each member. Inside `memoized()` a read
decorated with `@per_build` runs once per set of arguments and hands every later caller the same
result (treat it as read-only); outside it the read runs as always, so a page never sees a value
remembered from before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_memo: ContextVar[dict | None] = ContextVar("mingjing_per_build", default=None)


@contextmanager
def memoized() -> Iterator[None]:
    """Remember `@per_build` reads until the block ends (nested blocks share the outer memory)."""
    token = _memo.set({}) if _memo.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _memo.reset(token)


def per_build(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        memory = _memo.get()
        if memory is None:
            return fn(*args, **kwargs)
        key = (fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())))
        try:
            if key in memory:
                return memory[key]
        except TypeError:  # an argument that cannot be a key (a model row not saved, a list …)
            return fn(*args, **kwargs)
        memory[key] = result = fn(*args, **kwargs)
        return result

    return wrapper  # type: ignore[return-value]
