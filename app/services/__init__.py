"""Business rules: every write to the database goes through a function here."""
