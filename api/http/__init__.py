"""The HTTP interface: the app, its dependencies, one error map, format negotiation, and one router per resource."""
