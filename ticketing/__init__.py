"""Resident service-request ticketing for community grid governance."""
