"""Outcomes: progress reports on an agreement's indicator targets, period by period."""
