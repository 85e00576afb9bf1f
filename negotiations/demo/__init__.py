"""Demo data: the 2025 U.S. tariff talks with Japan, the U.K. and the EU (`load_demo`)."""
