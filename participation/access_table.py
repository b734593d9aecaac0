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
    "pages.feedback_list": Access.STAFF,
    # accounts
    "accounts.signup": Access.GUEST,
    "accounts.login": Access.GUEST,
    "accounts.logout": Access.SIGNED_IN,
    "accounts.confirm_email": Access.PUBLIC,
    "accounts.resend_confirmation": Access.SIGNED_IN,
    "accounts.forgot_password": Access.PUBLIC,
    "accounts.reset_password": Access.PUBLIC,
    "accounts.account": Access.SIGNED_IN,
    "accounts.change_password": Access.SIGNED_IN,
    "accounts.export_data": Access.SIGNED_IN,
    "accounts.delete_account": Access.SIGNED_IN,
    # administration
    "accounts.admin_users": Access.ADMIN,
    "accounts.admin_change_role": Access.ADMIN,
    "accounts.admin_role_changes": Access.ADMIN,
}
