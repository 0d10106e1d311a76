"""Alembic migrations, shipped inside the package so an installed app can migrate files."""
