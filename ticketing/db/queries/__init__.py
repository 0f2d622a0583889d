"""The read side's SQL: one module per read model (``ticketing.read``), each query a function of a connection."""
