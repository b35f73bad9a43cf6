"""Importing the roster from the school MIS (CSV or XLSX): parse, preview, confirm."""
