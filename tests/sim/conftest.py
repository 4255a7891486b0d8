"""tests/sim needs no database: the simulation is plain Python on plain data."""
