"""Monitoring: the figures of signed agreements and their money for staff (the stats API),
the public transparency page (公示) with its CSV, and the IATI open-data export."""
