"""The administrator's console: accounts, teams and districts, procedure versions, the database."""
