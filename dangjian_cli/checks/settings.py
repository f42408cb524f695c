"""Checks of this family are being written; see checks/__init__.py."""
