"""Permission names of the mail app.

Core cannot know roles (they live in imo.orgs, a higher layer), so this is only a name: a layer that knows
roles grants it with `rules.add_perm` (imo/attestation/reminders/rules.py grants it to the admin role). A name
nobody granted is refused to everyone except superusers, which is the safe default.
"""

VIEW_LOG = "mail.view_log"  # the mail log: every message sent or recorded, its status and text
