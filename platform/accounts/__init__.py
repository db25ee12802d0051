"""Users, organizations, stations, departments, roles, login and access rules."""
