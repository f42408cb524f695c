"""Obligations: built-in rules as data, period arithmetic, and the engine that finds gaps."""
