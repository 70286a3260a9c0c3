"""Everything that faces a person or a program: services (the questions), access, http, render (pages), cli."""
