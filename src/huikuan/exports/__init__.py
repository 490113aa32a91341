"""Files people open in Excel and Word: shared writers that never let a cell run as a formula."""
