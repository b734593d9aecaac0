"""The shared kernel: imported by every feature, imports none of them."""
