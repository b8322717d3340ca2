"""The project's own dev-set evaluations (`jury-blanc eval …`)."""
