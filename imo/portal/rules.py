import rules

from imo.orgs.rules import is_superuser, is_user_manager

rules.add_perm("portal.change_office_contacts", is_superuser | is_user_manager)

# The documents app's permissions and register scope (imo.core.documents cannot know roles).
from imo.portal import rules_documents  # noqa: E402, F401
