"""Ways of organising care: assess-do-refer, the Liberated Method, the hybrid router, none."""
