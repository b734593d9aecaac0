"""City projects: what the city builds and plans, with milestones, images and updates."""
