"""Who may see what: tokens and sessions, the route-by-route role policy, the audit log, and disclosure control."""
