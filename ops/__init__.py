"""Running Kefu: set-up steps, training, starting and stopping the servers, tests.

This package is tooling for the admin's terminal and for the tests; neither the bot
nor the web app imports it.
"""
