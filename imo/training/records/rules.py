"""Who may see, enter, change and confirm completed courses (object-level rules of training/records).

A course record follows its educator: those who see the educator (staff.view_educator) see the record;
those who edit the educator (office editors in scope, the school admin of the educator's school) enter,
change and delete it, and confirm what a teacher entered; a teacher enters their own courses and changes
or deletes them while they wait for confirmation or were rejected. Lookups go through
imo.training.records.selectors.record_get_for, which answers 404 outside the user's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from imo.staff.rules import (
    is_office_editor,
    is_office_member,
    is_school_admin,
    is_superuser,
    office_edits,
    office_sees,
    own_record,
    own_school,
)

EDITABLE_BY_EDUCATOR = frozenset({"pending", "rejected"})


@rules.predicate
def record_office_sees(user: Any, record: Any) -> bool:
    return record is not None and office_sees.test(user, record.educator)


@rules.predicate
def record_office_edits(user: Any, record: Any) -> bool:
    return record is not None and office_edits.test(user, record.educator)


@rules.predicate
def record_own_school(user: Any, record: Any) -> bool:
    return record is not None and own_school.test(user, record.educator)


@rules.predicate
def record_own(user: Any, record: Any) -> bool:
    return record is not None and own_record.test(user, record.educator)


@rules.predicate
def record_open_to_educator(user: Any, record: Any) -> bool:
    return record is not None and record.status in EDITABLE_BY_EDUCATOR


record_editor = (
    is_superuser | (is_office_editor & record_office_edits) | (is_school_admin & record_own_school)
)

# Page-level: the district's list of courses (office, school admins) and the confirmation queue.
rules.add_perm("training.view_records", is_superuser | is_office_member | is_school_admin)
rules.add_perm("training.confirm_records", is_superuser | is_office_editor | is_school_admin)
# Object-level, on an Educator: entering a course.
rules.add_perm(
    "training.add_record",
    is_superuser | (is_office_editor & office_edits) | (is_school_admin & own_school) | own_record,
)
# Object-level, on a CourseRecord.
rules.add_perm("training.view_record", is_superuser | record_office_sees | record_own_school | record_own)
rules.add_perm("training.change_record", record_editor | (record_own & record_open_to_educator))
rules.add_perm("training.delete_record", record_editor | (record_own & record_open_to_educator))
rules.add_perm(
    "training.confirm_record",
    (is_superuser | (is_office_editor & record_office_edits) | (is_school_admin & record_own_school))
    & ~record_own,
)


@dataclass(frozen=True)
class EducatorRights:
    """What a user may do with the courses of one educator, decided once (the profile section and the
    form read it for every row without a query per row)."""

    edits: bool  # an office editor in scope or the school admin of the educator's school (or superuser)
    own: bool  # the educator themselves

    @property
    def may_add(self) -> bool:
        return self.edits or self.own

    def may_change(self, record: Any) -> bool:
        return self.edits or (self.own and record.status in EDITABLE_BY_EDUCATOR)

    def may_confirm(self, record: Any) -> bool:
        return self.edits and not self.own and record.status == "pending"


def rights_for(user: Any, educator: Any) -> EducatorRights:
    edits = bool(
        is_superuser.test(user)
        or (is_office_editor.test(user) and office_edits.test(user, educator))
        or (is_school_admin.test(user) and own_school.test(user, educator))
    )
    return EducatorRights(edits=edits, own=bool(own_record.test(user, educator)))
