"""Integrations with other systems (data exchange, upward reporting, notifications); they call engine services."""
