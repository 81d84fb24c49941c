"""One router module per area of the web app."""
