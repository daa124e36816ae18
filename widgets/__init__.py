"""Reusable pieces of the xapp screens."""
