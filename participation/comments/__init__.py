"""Comments on anything registered in core.targets: threads, stances, votes."""
