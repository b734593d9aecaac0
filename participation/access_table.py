"""Every route of the platform and who may use it: the one place to look.

A test walks `app.url_map`, fails on any endpoint missing here and checks every rule for
anonymous visitors, residents, moderators, staff and admins.
"""

from participation.core.access import Access

ROUTE_ACCESS: dict[str, Access] = {
    "static": Access.PUBLIC,
    "healthz": Access.PUBLIC,
    # pages
    "pages.home": Access.PUBLIC,
    "pages.imprint": Access.PUBLIC,
    "pages.privacy": Access.PUBLIC,
    "pages.terms": Access.PUBLIC,
    "pages.accessibility": Access.PUBLIC,
    "pages.easy_language": Access.PUBLIC,
    "pages.set_language": Access.PUBLIC,
    "pages.staff_overview": Access.STAFF,
    "pages.feedback_list": Access.STAFF,
    "pages.handle_feedback": Access.STAFF,
    "pages.reopen_feedback": Access.STAFF,
    # accounts
    "accounts.signup": Access.GUEST,
    "accounts.signup_sent": Access.GUEST,
    "accounts.login": Access.GUEST,
    "accounts.logout": Access.SIGNED_IN,
    "accounts.sign_out_everywhere": Access.SIGNED_IN,
    "accounts.confirm_email": Access.PUBLIC,
    "accounts.resend_confirmation": Access.SIGNED_IN,
    "accounts.forgot_password": Access.PUBLIC,
    "accounts.reset_password": Access.PUBLIC,
    "accounts.account": Access.SIGNED_IN,
    "accounts.change_password": Access.SIGNED_IN,
    "accounts.export_data": Access.SIGNED_IN,
    "accounts.delete_account": Access.SIGNED_IN,
    "accounts.account_deleted": Access.PUBLIC,
    # administration
    "accounts.admin_users": Access.ADMIN,
    "accounts.admin_change_role": Access.ADMIN,
    "accounts.admin_role_changes": Access.ADMIN,
    "accounts.admin_audit_log": Access.ADMIN,
    "accounts.admin_audit_log_export": Access.ADMIN,
    # consultations
    "consultations.index": Access.PUBLIC,
    "consultations.show": Access.PUBLIC,
    "consultations.idea": Access.PUBLIC,
    "consultations.idea_item": Access.PUBLIC,  # the idea's own rule: load_idea 404s what one may not see
    "consultations.new_idea": Access.CONFIRMED,
    "consultations.edit_idea": Access.CONFIRMED,
    "consultations.support": Access.CONFIRMED,
    "consultations.withdraw_support": Access.CONFIRMED,
    "consultations.answer": Access.STAFF,
    "consultations.export_csv": Access.PUBLIC,
    "consultations.export_geojson": Access.PUBLIC,
    "media.file": Access.PUBLIC,
    "consultations.manage": Access.STAFF,
    "consultations.create": Access.STAFF,
    "consultations.edit": Access.STAFF,
    "consultations.change_state": Access.STAFF,
    "consultations.add_category": Access.STAFF,
    "consultations.delete_category": Access.STAFF,
    "consultations.add_layer": Access.STAFF,
    "consultations.delete_layer": Access.STAFF,
    "consultations_api.consultations": Access.PUBLIC,
    "consultations_api.consultation": Access.PUBLIC,
    "consultations_api.ideas": Access.PUBLIC,
    "consultations_api.openapi": Access.PUBLIC,
    # projects
    "projects.index": Access.PUBLIC,
    "projects.show": Access.PUBLIC,
    "projects.feed_updates": Access.PUBLIC,
    "projects.feed_projects": Access.PUBLIC,
    "projects.project_feed": Access.PUBLIC,
    "projects.manage": Access.STAFF,
    "projects.create": Access.STAFF,
    "projects.edit": Access.STAFF,
    "projects.add_update": Access.STAFF,
    "projects.add_image": Access.STAFF,
    "projects.delete_image": Access.STAFF,
    # petitions: public pages and signing (petitions/views.py, signing_views.py); a petition
    # that one may not see 404s in the view (drafts: only their creator; supporters by the key)
    "petitions.index": Access.PUBLIC,
    "petitions.show": Access.PUBLIC,
    "petitions.count_fragment": Access.PUBLIC,
    "petitions.sign": Access.PUBLIC,
    "petitions.sign_sent": Access.PUBLIC,
    "petitions.support": Access.PUBLIC,
    "petitions.confirm": Access.PUBLIC,
    # petitions: drafting by residents (draft_views.py); the creator only, checked in the view
    "petitions.new": Access.CONFIRMED,
    "petitions.mine": Access.SIGNED_IN,
    "petitions.edit_draft": Access.CONFIRMED,
    "petitions.start_gathering": Access.CONFIRMED,
    # petitions: moderation and the council's response (staff_views.py)
    "petitions.review_queue": Access.MODERATOR,
    "petitions.review": Access.MODERATOR,
    "petitions.approve": Access.MODERATOR,
    "petitions.reject": Access.MODERATOR,
    "petitions.manage": Access.STAFF,
    "petitions.respond": Access.STAFF,
    # petitions: paper lists, fraud checks, invalidation, export (signature_views.py)
    "petitions.paper_lists": Access.STAFF,
    "petitions.signatures": Access.STAFF,
    "petitions.invalidate": Access.STAFF,
    "petitions.release_held": Access.STAFF,
    "petitions.export_signatures": Access.STAFF,
    # petitions: the JSON API (api.py)
    "petitions_api.petitions": Access.PUBLIC,
    "petitions_api.petition": Access.PUBLIC,
    "petitions_api.count": Access.PUBLIC,
    # council: the OParl API (read-only, public by the standard)
    "oparl.system": Access.PUBLIC,
    "oparl.bodies": Access.PUBLIC,
    "oparl.body_list": Access.PUBLIC,
    "oparl.organization_meetings": Access.PUBLIC,
    "oparl.object": Access.PUBLIC,
    "oparl.file_access": Access.PUBLIC,
    "oparl.file_download": Access.PUBLIC,
    # comments
    "comments.thread": Access.PUBLIC,
    "comments.permalink": Access.PUBLIC,
    "comments.create": Access.CONFIRMED,
    "comments.reply": Access.CONFIRMED,
    "comments.edit": Access.CONFIRMED,
    "comments.delete": Access.SIGNED_IN,
    "comments.vote": Access.CONFIRMED,
    # follows and notifications
    "notifications.toggle_follow": Access.SIGNED_IN,
    "notifications.index": Access.SIGNED_IN,
    "notifications.mark_all_read": Access.SIGNED_IN,
    "notifications.mark_read": Access.SIGNED_IN,
    "notifications.unsubscribe": Access.PUBLIC,
    # live updates: each topic is checked in the view (a consultation's own rule; one's own
    # user topic only), before anything is streamed
    "live.stream": Access.PUBLIC,
    "live.poll": Access.PUBLIC,
}
