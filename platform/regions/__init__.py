"""Administrative divisions of the city: counties, townships and villages with official codes."""
