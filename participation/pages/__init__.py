"""Home page, legal pages, accessibility statement with feedback, Leichte Sprache."""
