"""Permission names of the documents app.

Core cannot know roles (they live in imo.orgs, a higher layer), so these are only names: the layer that
knows roles grants them with `rules.add_perm` (imo/portal/rules_documents.py). A name nobody granted is
refused to everyone except superusers, which is the safe default.
"""

VIEW_REGISTER = "documents.view_register"  # the register of documents issued, downloads, Excel export
MANAGE_TEMPLATES = "documents.manage_templates"  # upload, revert and download templates; number prefixes
ISSUE = "documents.issue"  # issue documents through the register (each module's own page offers it)
