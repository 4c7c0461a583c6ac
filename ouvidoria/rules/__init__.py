"""The regulators' rules in plain Python (no Django): calendars, deadlines, policies, protocol numbers."""
