"""Permissions of the jury's pages (issue #7, item 4).

A user is on the jury of a stage subject when their educator record (Educator.user) has a JuryMember row
there; the chair is the row with is_chair. Jury pages show coded works only: their selectors read Work rows
and never Participation or Student. Office editors (olympiads.manage) may open the grid too, and they alone
issue codes, reopen a closed protocol, match the codes and see the protocol with names.

Object checks take a StageSubject; the page selectors answer 404 to anyone who is neither on its jury nor
in the office's scope, so the subject's existence is not revealed.
"""

from __future__ import annotations

from typing import Any

import rules

from imo.olympiads.models import JuryMember, StageSubject
from imo.staff.rules import is_office_editor, is_superuser


def _jury_rows(user: Any) -> Any:
    return JuryMember.objects.filter(educator__user_id=getattr(user, "pk", None) or 0)


@rules.predicate
def is_jury_anywhere(user: Any) -> bool:
    """The user's educator sits on the jury of at least one stage subject."""
    if not getattr(user, "is_authenticated", False):
        return False
    # Asked by the menu on every page (and by every row a page renders with the request): once per user
    # object, i.e. once per request, as the memberships are.
    cached: bool | None = getattr(user, "_olympiads_jury_anywhere", None)
    if cached is None:
        cached = _jury_rows(user).exists()
        user._olympiads_jury_anywhere = cached
    return cached


@rules.predicate
def is_jury_member(user: Any, stage_subject: StageSubject | None) -> bool:
    if stage_subject is None or not getattr(user, "is_authenticated", False):
        return False
    return _jury_rows(user).filter(stage_subject=stage_subject).exists()


@rules.predicate
def is_jury_chair(user: Any, stage_subject: StageSubject | None) -> bool:
    if stage_subject is None or not getattr(user, "is_authenticated", False):
        return False
    return _jury_rows(user).filter(stage_subject=stage_subject, is_chair=True).exists()


#: The «Жюри: проверка работ» menu item and the «Мои предметы» page.
rules.add_perm("olympiads.jury_pages", is_jury_anywhere)
#: The list of stage subjects to score: jury members, and office editors (all subjects in their scope).
# The office first: its editors need no query to see the menu item.
rules.add_perm("olympiads.scoring_home", is_superuser | is_office_editor | is_jury_anywhere)
#: Typing scores of a stage subject's works (object: StageSubject).
rules.add_perm("olympiads.score_works", is_superuser | is_jury_member | is_office_editor)
#: Closing the jury's protocol (object: StageSubject): the chair only.
rules.add_perm("olympiads.close_scoring", is_jury_chair)
#: Codes, the code sheet, reopening, matching, the protocol with names, the «Сириус.Курсы» import: the office.
rules.add_perm("olympiads.manage_scoring", is_superuser | is_office_editor)
