"""The report: figure style, tables, the results file, provenance, texts and rendering to HTML and PDF."""
