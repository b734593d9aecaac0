"""Consultations: questions asked on a map or a plan, answered with ideas and supports."""
