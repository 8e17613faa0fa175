import rules

from imo.orgs.rules import is_superuser, is_user_manager

rules.add_perm("portal.change_office_contacts", is_superuser | is_user_manager)
