"""Evidence: fitting and validation targets, estimands computed as the studies computed them,
per-citizen histories, calibration by rejection ABC, the calibrated ensemble and the sensitivity
of the headline differences."""
