"""`lazy`: worked out once per instance, on first use, then read as a plain attribute."""

from __future__ import annotations

from curator.check.lazy import lazy


class Counted:
    def __init__(self) -> None:
        self.calls = 0

    @lazy
    def value(self) -> int:
        """A value that counts how often it is worked out."""
        self.calls += 1
        return 40 + self.calls


def test_a_lazy_property_is_worked_out_once_per_instance() -> None:
    first, second = Counted(), Counted()
    assert (first.value, first.value, second.value) == (41, 41, 41)
    assert (first.calls, second.calls) == (1, 1)
    assert first.__dict__["value"] == 41  # kept on the instance: later reads skip the descriptor


def test_the_class_attribute_is_the_descriptor_with_its_docstring() -> None:
    assert isinstance(Counted.value, lazy)
    assert Counted.value.__doc__ == "A value that counts how often it is worked out."
