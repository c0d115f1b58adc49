"""Pure helpers without models: numbers, dates, periods and text."""
