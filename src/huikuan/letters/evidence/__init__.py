"""F5 evidence bundle: every document, an index, the chronology and the limitation status."""
