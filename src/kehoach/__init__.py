"""kehoach: run a Vietnamese local government's plan instead of filing it."""
