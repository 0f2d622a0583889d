"""Read models for the web pages: paginated queries over the tables, one module per audience."""
