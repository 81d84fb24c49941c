"""Kefu's web app: demo shop page, chat widget, help center and helpdesk API."""
