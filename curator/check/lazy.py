"""`lazy`: a property worked out on first use and kept on the instance, without a lock.

What `functools.cached_property` does, less its per-instance lock (Python 3.11 takes an RLock
on every first access): a check's `Case` and `PageView` are read by one thread, and a rule
pays for a dozen first accesses per check. Kept in the instance's `__dict__`, as
`cached_property` keeps it, so later reads are plain attribute reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

T = TypeVar("T")


class lazy(Generic[T]):  # noqa: N801 - a decorator, named as `property` is
    """A read-only property computed once per instance, on first use."""

    def __init__(self, work: Callable[[Any], T]) -> None:
        self.work = work
        self.name = work.__name__
        self.__doc__ = work.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | Self:
        if instance is None:
            return self
        value = self.work(instance)
        instance.__dict__[self.name] = value
        return value
