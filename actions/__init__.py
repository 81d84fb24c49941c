"""Rasa custom actions, one module per skill; thin adapters over `helpdesk`."""
