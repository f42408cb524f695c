"""dangjian: records, obligations and documents of grass-roots party organisations."""

__version__ = "0.1.0"
