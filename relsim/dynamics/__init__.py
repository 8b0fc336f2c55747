"""What happens to citizens whoever serves them: needs, crises, help-seeking, attendance."""
