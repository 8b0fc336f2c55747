"""Reports built from results; kept outside the model."""
