"""Types shared by the API's bodies, and the error body every route answers with."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from curator.catalog.schema import (
    SLUG_PATTERN,
)


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail on insert.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


CleanText = Annotated[str, AfterValidator(_no_nul)]
Key = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=200)]
SlugText = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=120)]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors ----------------------------------------------------------------------------------


class FieldProblem(_Out):
    """What is wrong with one field of a request."""

    field: str = Field(description="the field, e.g. url or expect_text.0")
    location: str = Field(description="body, query, path or header")
    message: str


class ErrorOut(_Out):
    """Every error the API answers with."""

    error: str = Field(description="what kind of error, e.g. 'not found'")
    detail: str | list[FieldProblem] = Field(
        description="a sentence, or (422) one entry per invalid field"
    )
