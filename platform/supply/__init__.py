"""Offers published by social organizations: funds, goods, time and purchasing."""
