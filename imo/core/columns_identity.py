"""A faster identity for Django's column references (`Col`), the same value Django computes.

Django hashes and compares SQL expressions by `Expression.identity`: the constructor's arguments, bound
to its signature with `inspect.Signature.bind_partial` on every new expression. The compiler hashes every
selected column of every ordered query (`SQLCompiler._order_by_pairs` maps them to positions), so a query
with select_related over three models hashes ~60 columns each time it is compiled. Under `make loadtest`
that signature binding was 3 % of the web workers' CPU. `Col` is the expression of nearly all of them, and
its constructor is fixed — `Col(alias, target, output_field=None)` — so its identity can be built directly.

`install()` gives `Col` that identity (see docs/decisions/0016-column-identity.md); the tests compare it
with Django's own for every way a column is made, so an upgrade that changes `Col` fails them, not queries.
"""

from __future__ import annotations

from typing import Any

from django.db.models.expressions import Col, Expression
from django.utils.functional import cached_property


def column_identity(column: Col) -> tuple[Any, ...]:
    """What Expression.identity returns for `column`, without binding the constructor's signature."""
    args, kwargs = column._constructor_args  # type: ignore[attr-defined]  # set by @deconstructible
    if len(args) > 3 or set(kwargs) - {"output_field"} or (len(args) == 3 and kwargs):
        return generic_identity(column)  # not a shape Col's constructor takes: let Django decide
    alias, target, *rest = args
    output_field = rest[0] if rest else kwargs.get("output_field")
    same: Any = Col._identity  # type: ignore[attr-defined]  # Django's, missing from the stubs
    return (
        type(column),
        ("alias", same(alias)),
        ("target", same(target)),
        ("output_field", same(output_field)),
    )


def generic_identity(expression: Expression) -> tuple[Any, ...]:
    """Django's own identity (the cached_property's function), for the tests and the odd shape."""
    identity: Any = Expression.__dict__["identity"]
    result: tuple[Any, ...] = identity.func(expression)
    return result


def install() -> None:
    if "identity" in Col.__dict__:
        return
    fast = cached_property(column_identity)
    fast.__set_name__(Col, "identity")
    Col.identity = fast  # type: ignore[assignment,method-assign]
