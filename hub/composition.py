"""The composition root: the one place that wires real technology to the services."""
