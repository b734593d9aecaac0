"""Accounts: residents, roles, sign-up and sign-in, settings, data export and deletion."""
