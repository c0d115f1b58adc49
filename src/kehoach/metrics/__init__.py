"""The indicator engine: values, roll-ups, target checks, status and trajectory."""
