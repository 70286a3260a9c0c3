"""What people read: the analyst map page, the sources page, the sign-in page and printed patrol plans."""
