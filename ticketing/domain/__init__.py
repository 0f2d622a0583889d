"""Pure rules of the engine: no framework, no database, no clock of its own."""
