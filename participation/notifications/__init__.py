"""Following things (projects, consultations, ideas ...) and the notifications that follow."""
