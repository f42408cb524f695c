"""Spreadsheets in and out (xlsx, CSV): kept below cli, above nothing but output and records."""
