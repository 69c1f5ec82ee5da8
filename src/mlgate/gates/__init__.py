"""Gate types. Each module holds one type; all register through ``mlgate.gates``."""
