"""Analyst pages of the negotiations app, one module per resource."""
