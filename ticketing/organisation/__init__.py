"""Organisation files, rosters, holiday calendars and the rules' cached view of the registry."""
